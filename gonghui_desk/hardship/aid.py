"""Recording an aid payment (帮扶) to a household's hardship file and taking it through its stages.

A payment is applied for (申请), approved (审核) and paid (发放), in that order: stages are never
skipped and never go back; a mistaken payment is voided, never deleted. The payment belongs to
the file and to the file's household head (``member_id`` is copied from the file); a 金秋助学
payment also names the student, a live family member of the same file.

Hard errors (no such file, a type or fund source the settings do not list, negative money, goods
value without goods, a student missing or not of this household, an implausible admission year)
refuse the record as :class:`~gonghui_desk.errors.ValidationError`. Rule breaches are warnings
as for visits (:class:`~gonghui_desk.care.visits.RuleWarning`): the file is not 在档 on the
payment's date, the student was already funded for the same admission, the head had left the roll
(转出/退会/去世) on that date. The officer goes on by giving a reason; the warnings and the reason are
kept (``rule_warnings``, ``override_reason``). The rules are checked on applying (on the
application date) and again on paying (on the payment date): warnings already accepted with a
reason do not ask again, new ones do, and their reason is added to the kept one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import sqlite_utils

from gonghui_desk import value_lists
from gonghui_desk.care.visits import LEFT_ROLL, RuleOverrideRequired, RuleWarning, status_on
from gonghui_desk.checks import iso_date
from gonghui_desk.dates import parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import Problem

__all__ = ["AID_FIELD_LABELS", "STAGES", "STUDENT_AID", "AidInput", "AidStore", "RuleOverrideRequired",
           "RuleWarning"]

AID_FIELD_LABELS = {
    "file_id": "困难职工档案", "aid_type": "帮扶类型", "cash_fen": "帮扶金额", "goods_desc": "帮扶物资",
    "goods_value_fen": "物资价值", "fund_source": "资金来源", "applied_on": "申请日期", "applied_by": "申请人",
    "approved_on": "审核日期", "approved_by": "审核人", "paid_on": "发放日期", "paid_by": "发放人",
    "publicized_on": "公示日期", "signed": "已签收", "student_family_member_id": "受助学生", "school": "录取学校",
    "admission_year": "入学年份", "schooling_years": "学制", "notes": "备注",
}
STAGES = ("申请", "审核", "发放")
STUDENT_AID = "金秋助学"
EARLIEST_ADMISSION_YEAR = 1980
_NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S','now','localtime')"


@dataclass
class AidInput:
    """One payment as typed in the form or read from a spreadsheet; money in 分, dates ISO or date."""

    file_id: int
    aid_type: str
    cash_fen: int = 0
    goods_desc: str = ""
    goods_value_fen: int = 0
    fund_source: str = ""
    applied_on: str | dt.date | None = None
    applied_by: str = ""
    notes: str = ""
    student_family_member_id: int | None = None  # 金秋助学: the student, a family member of the file
    school: str = ""
    admission_year: int | None = None
    schooling_years: int | None = None

    @property
    def total_fen(self) -> int:
        return (self.cash_fen or 0) + (self.goods_value_fen or 0)


def _problem(field: str, message: str) -> Problem:
    return Problem(field, message, field_label=AID_FIELD_LABELS.get(field, field))


def _iso(value, field: str, problems: list[Problem]) -> str | None:
    return iso_date(value, field, problems, _problem)


def _split(text: str) -> list[str]:
    return [part for part in (text or "").split("；") if part]


class AidStore:
    def __init__(self, db: sqlite_utils.Database, *, today: dt.date | None = None):
        self.db = db
        self._today = today

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- checking --------------------------------------------------------------------
    def _file(self, file_id) -> dict | None:
        rows = list(self.db.query("SELECT * FROM hardship_files WHERE id = ? AND voided_at IS NULL", [file_id]))
        return rows[0] if rows else None

    def normalize(self, data: AidInput, *, current: dict | None = None) -> tuple[dict, list[Problem]]:
        """Column values and the hard errors that refuse the record. ``current`` is the stored row when
        updating: a type or fund source since retired from the settings may stay as it was."""
        problems: list[Problem] = []
        values = asdict(data)
        values["applied_on"] = _iso(data.applied_on, "applied_on", problems)
        for key in ("aid_type", "goods_desc", "fund_source", "applied_by", "notes", "school"):
            values[key] = (values[key] or "").strip()
        file = self._file(data.file_id)
        if file is None:
            problems.append(_problem("file_id", "请选择受助家庭的困难职工档案（该档案不存在或已作废）"))
        else:
            values["member_id"] = file["member_id"]
        kept = current or {}
        if not values["aid_type"]:
            problems.append(_problem("aid_type", "请选择帮扶类型"))
        elif values["aid_type"] not in value_lists.values(self.db, "aid.type") and values["aid_type"] != kept.get(
                "aid_type"):
            problems.append(_problem("aid_type", f"“{values['aid_type']}”不在帮扶类型的选项中，"
                                                 "如需新增请在设置中添加"))
        if values["fund_source"] and values["fund_source"] not in value_lists.values(
                self.db, "aid.fund_source") and values["fund_source"] != kept.get("fund_source"):
            problems.append(_problem("fund_source", f"“{values['fund_source']}”不在帮扶资金来源的选项中，"
                                                    "如需新增请在设置中添加"))
        if not values["applied_on"] and not any(p.field == "applied_on" for p in problems):
            problems.append(_problem("applied_on", "请填写申请日期"))
        elif values["applied_on"] and values["applied_on"] > self.today.isoformat():
            problems.append(_problem("applied_on", f"申请日期 {values['applied_on']} 晚于今天"))
        for key in ("cash_fen", "goods_value_fen"):
            if values[key] is None:
                values[key] = 0
            if isinstance(values[key], bool) or not isinstance(values[key], int) or values[key] < 0:
                problems.append(_problem(key, "金额应为不小于0的数"))
        if isinstance(values["goods_value_fen"], int) and values["goods_value_fen"] > 0 and not values["goods_desc"]:
            problems.append(_problem("goods_desc", "填写了物资价值时请写明帮扶物资"))
        if not any(p.field in ("cash_fen", "goods_value_fen") for p in problems) and not (
                values["cash_fen"] or values["goods_value_fen"] or values["goods_desc"]):
            problems.append(_problem("cash_fen", "请填写帮扶金额或帮扶物资"))
        self._check_student(values, file, problems)
        return values, problems

    def _check_student(self, values: dict, file: dict | None, problems: list[Problem]) -> None:
        student_id = values["student_family_member_id"]
        if student_id is None:
            if values["aid_type"] == STUDENT_AID:
                problems.append(_problem("student_family_member_id", "金秋助学请选择受助学生（该户的家庭成员）"))
        elif file is not None:
            row = self.db.execute("SELECT file_id, voided_at FROM hardship_family_members WHERE id = ?",
                                  [student_id]).fetchone()
            if row is None or row[1] or row[0] != file["id"]:
                problems.append(_problem("student_family_member_id", "受助学生应为本档案登记的家庭成员"))
        year = values["admission_year"]
        latest = self.today.year + 1
        if year is None:
            if values["aid_type"] == STUDENT_AID:
                problems.append(_problem("admission_year", "金秋助学请填写入学年份"))
        elif isinstance(year, bool) or not isinstance(year, int) or not EARLIEST_ADMISSION_YEAR <= year <= latest:
            problems.append(_problem("admission_year", f"入学年份应在 {EARLIEST_ADMISSION_YEAR} 年至 {latest} 年之间"))
        years = values["schooling_years"]
        if years is not None and (isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 10):
            problems.append(_problem("schooling_years", "学制应为1至10年"))

    def check_rules(self, data: AidInput, *, payment_id: int | None = None,
                    on_date: str | dt.date | None = None) -> list[RuleWarning]:
        """The rule breaches of ``data`` on ``on_date`` (default: the application date); empty when
        it is within every rule or has hard errors (``normalize`` reports those)."""
        values, problems = self.normalize(data)
        if problems:
            return []
        day = parse_date(on_date).isoformat() if on_date else values["applied_on"]
        return self.rule_warnings(values, day, payment_id)

    def funded_before(self, admission_year: int, *, family_member_id: int | None = None, id_number: str = "",
                      payment_id: int | None = None) -> RuleWarning | None:
        """The warning when the student (a family-member row or, across a reopened file, the same
        ID number) already has a live 助学 payment for ``admission_year``; ``payment_id`` is left out."""
        earlier = self.db.execute(
            """SELECT a.paid_on, a.applied_on, a.stage FROM aid_payments a
               WHERE a.voided_at IS NULL AND a.id != ? AND a.admission_year = ?
                 AND a.student_family_member_id IN (
                     SELECT id FROM hardship_family_members WHERE id = ?
                     UNION SELECT s.id FROM hardship_family_members s
                           WHERE s.id_number <> '' AND s.id_number = coalesce(nullif(?, ''), (
                               SELECT id_number FROM hardship_family_members WHERE id = ?)))
               ORDER BY a.id LIMIT 1""",
            [payment_id or -1, admission_year, family_member_id or -1, id_number or "", family_member_id or -1]
        ).fetchone()
        if not earlier:
            return None
        when = f"已于 {earlier[0]} 发放" if earlier[0] else f"已于 {earlier[1]} 申请（{earlier[2]}）"
        return RuleWarning("student_funded", f"该学生{admission_year}年入学的助学{when}，每次入学限资助一次")

    def rule_warnings(self, values: dict, day: str, payment_id: int | None = None) -> list[RuleWarning]:
        """The rule breaches on ``day`` of a payment's checked values (:meth:`normalize`): the file
        not 在档, the student already funded for the admission, the head off the roll."""
        warnings: list[RuleWarning] = []
        file = self._file(values["file_id"])
        if file["status"] == "申请中":
            warnings.append(RuleWarning("file_not_open", "该困难职工档案尚在申请中，还未审核建档"))
        elif day < file["opened_on"]:
            warnings.append(RuleWarning("file_not_open", f"{day} 早于该困难职工档案的建档日期 {file['opened_on']}"))
        elif file["status"] in ("脱困", "注销") and (not file["closed_on"] or file["closed_on"] <= day):
            warnings.append(RuleWarning("file_closed", f"该困难职工档案已于 {file['closed_on'] or '此前'}"
                                                       f"{file['status']}，{day} 不在档"))
        if values["student_family_member_id"] is not None and values["admission_year"] is not None:
            funded = self.funded_before(values["admission_year"], family_member_id=values["student_family_member_id"],
                                        payment_id=payment_id)
            if funded:
                warnings.append(funded)
        status = status_on(self.db, values["member_id"], day)
        if status in LEFT_ROLL:
            warnings.append(RuleWarning("not_on_roll", f"户主在 {day} 的会员状态为“{status}”"))
        return warnings

    # --- writing ---------------------------------------------------------------------
    def _checked(self, data: AidInput, payment_id: int | None, override_reason: str,
                 current: dict | None = None) -> dict:
        values, problems = self.normalize(data, current=current)
        if problems:
            raise ValidationError(problems)
        warnings = self.rule_warnings(values, values["applied_on"], payment_id)
        if warnings and not override_reason.strip():
            raise RuleOverrideRequired(warnings)
        values["rule_warnings"] = "；".join(w.message for w in warnings)
        values["override_reason"] = override_reason.strip() if warnings else ""
        return values

    def apply(self, data: AidInput, *, override_reason: str = "") -> int:
        """Record an application (stage 申请). Raises ValidationError for errors and
        RuleOverrideRequired when it breaks a rule and no reason was given."""
        values = self._checked(data, None, override_reason)
        with transaction(self.db) as conn:
            cursor = conn.execute(f"INSERT INTO aid_payments ({', '.join(values)}, stage) "
                                  f"VALUES ({', '.join('?' * len(values))}, '申请')", list(values.values()))
            return cursor.lastrowid

    def update(self, payment_id: int, data: AidInput, *, override_reason: str = "") -> None:
        """Correct a payment before it is paid (申请 or 审核); a paid payment is voided and entered again."""
        current = self._live(payment_id)
        if current["stage"] == "发放":
            raise UserError("已发放的帮扶记录不能修改；如有错误，请作废后重新登记")
        values = self._checked(data, payment_id, override_reason, current)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE aid_payments SET {', '.join(f'{k} = ?' for k in values)}, updated_at = {_NOW_SQL} "
                         "WHERE id = ?", [*values.values(), payment_id])

    def _live(self, payment_id: int) -> dict:
        row = self.get(payment_id)
        if row is None:
            raise UserError(f"帮扶记录 {payment_id} 不存在")
        if row["voided_at"]:
            raise UserError("该帮扶记录已作废，不能再修改")
        return row

    def _stage_day(self, value, field: str, not_before: str, before_label: str) -> str:
        problems: list[Problem] = []
        day = _iso(value, field, problems)
        if not problems and not day:
            problems.append(_problem(field, f"请填写{AID_FIELD_LABELS[field]}"))
        elif day and day > self.today.isoformat():
            problems.append(_problem(field, f"{AID_FIELD_LABELS[field]} {day} 晚于今天"))
        elif day and day < not_before:
            problems.append(_problem(field, f"{AID_FIELD_LABELS[field]} {day} 早于{before_label} {not_before}"))
        if problems:
            raise ValidationError(problems)
        return day

    @staticmethod
    def _require_stage(row: dict, expected: str, action: str) -> None:
        if row["stage"] == expected:
            return
        if STAGES.index(row["stage"]) < STAGES.index(expected):
            raise UserError(f"该帮扶记录还在“{row['stage']}”阶段，须先审核才能{action}")
        raise UserError(f"该帮扶记录已经{'审核' if row['stage'] == '审核' else '发放'}，不能再{action}")

    def approve(self, payment_id: int, approved_on, approved_by: str) -> None:
        """申请 → 审核."""
        row = self._live(payment_id)
        self._require_stage(row, "申请", "审核")
        day = self._stage_day(approved_on, "approved_on", row["applied_on"], "申请日期")
        if not (approved_by or "").strip():
            raise ValidationError([_problem("approved_by", "请填写审核人")])
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE aid_payments SET stage = '审核', approved_on = ?, approved_by = ?, "
                         f"updated_at = {_NOW_SQL} WHERE id = ?", [day, approved_by.strip(), payment_id])

    def pay(self, payment_id: int, paid_on, paid_by: str = "", *, override_reason: str = "") -> None:
        """审核 → 发放, checking the rules again on the payment date. Warnings accepted with a reason
        when applying do not ask again; new ones need a reason, which is added to the kept one."""
        row = self._live(payment_id)
        self._require_stage(row, "审核", "发放")
        day = self._stage_day(paid_on, "paid_on", row["approved_on"], "审核日期")
        values, problems = self.normalize(self.as_input(payment_id), current=row)
        if problems:  # e.g. the file or the student was voided since: correct the record first
            raise ValidationError(problems)
        accepted = _split(row["rule_warnings"])
        new = [w for w in self.rule_warnings(values, day, payment_id) if w.message not in accepted]
        reason = (override_reason or "").strip()
        if new and not reason:
            raise RuleOverrideRequired(new)
        warnings = "；".join(accepted + [w.message for w in new])
        kept_reason = row["override_reason"]
        if new and reason != kept_reason:
            kept_reason = f"{kept_reason}；发放时：{reason}" if kept_reason else reason
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE aid_payments SET stage = '发放', paid_on = ?, paid_by = ?, rule_warnings = ?, "
                         f"override_reason = ?, updated_at = {_NOW_SQL} WHERE id = ?",
                         [day, (paid_by or "").strip(), warnings, kept_reason, payment_id])

    def set_publicized(self, payment_id: int, day) -> None:
        """The 公示 date (``None`` clears it). What is publicized is the approved list, so an
        application still waiting for 审核 cannot be; the date is not before the application."""
        row = self._live(payment_id)
        if row["stage"] == "申请":
            raise UserError("该帮扶记录还未审核；公示的是审核通过的名单，请先审核再登记公示日期")
        problems: list[Problem] = []
        iso = _iso(day, "publicized_on", problems)
        if iso and iso > self.today.isoformat():
            problems.append(_problem("publicized_on", f"公示日期 {iso} 晚于今天"))
        elif iso and iso < row["applied_on"]:
            problems.append(_problem("publicized_on", f"公示日期 {iso} 早于申请日期 {row['applied_on']}"))
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE aid_payments SET publicized_on = ?, updated_at = {_NOW_SQL} WHERE id = ?",
                         [iso, payment_id])

    def set_signed(self, payment_ids: list[int], signed: bool = True) -> None:
        """Mark paid payments as signed for (签收); a payment not yet paid cannot be signed for."""
        ids = list(payment_ids)
        with transaction(self.db) as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                unpaid = conn.execute(f"SELECT count(*) FROM aid_payments WHERE id IN ({', '.join('?' * len(chunk))}) "
                                      "AND voided_at IS NULL AND stage <> '发放'", chunk).fetchone()[0]
                if unpaid:
                    raise UserError(f"所选记录中有{unpaid}条尚未发放，不能标记为已签收")
            conn.executemany("UPDATE aid_payments SET signed = ? WHERE id = ? AND voided_at IS NULL",
                             [(int(signed), i) for i in ids])

    def void(self, payment_id: int, reason: str) -> None:
        """A mistaken payment is voided, never deleted; it stays in the change log."""
        if not (reason or "").strip():
            raise UserError("作废帮扶记录时请填写原因")
        self._live(payment_id)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE aid_payments SET voided_at = {_NOW_SQL}, void_reason = ? "
                         "WHERE id = ? AND voided_at IS NULL", (reason.strip(), payment_id))

    # --- reading ---------------------------------------------------------------------
    def get(self, payment_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM aid_payments WHERE id = ?", [payment_id]))
        return rows[0] if rows else None

    def as_input(self, payment_id: int) -> AidInput:
        row = self.get(payment_id)
        if row is None:
            raise UserError(f"帮扶记录 {payment_id} 不存在")
        return AidInput(**{k: row[k] for k in AidInput.__dataclass_fields__})
