"""Recording a care visit (慰问) and checking it against the union's money rules.

Hard errors (no member, no date, a relative without a name…) refuse the record. Rule
breaches (over the cap, over the yearly cap, the same illness twice in a year, a payment
form that is not allowed, a member who had left the roll on that date) are warnings: the
officer may go on by giving a reason, and the warnings and the reason are kept with the
record (``rule_warnings``, ``override_reason``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import sqlite_utils

from gonghui_desk.care import PAYMENT_FORMS, RELATIONS
from gonghui_desk.care.occasions import Occasion, get_occasion
from gonghui_desk.checks import iso_date
from gonghui_desk.dates import parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import Problem
from gonghui_desk.money import yuan_text

VISIT_FIELD_LABELS = {
    "member_id": "会员", "occasion_id": "慰问类别", "recipient_relation": "慰问对象", "recipient_name": "亲属姓名",
    "event_date": "事由日期", "visit_date": "走访日期", "visitors": "走访人员", "leader_went": "党政领导参加",
    "cash_fen": "慰问金", "goods_desc": "慰问品", "goods_value_fen": "慰问品价值", "payment_form": "发放形式",
    "fund_source": "经费来源", "illness": "疾病", "follow_up": "随访情况", "signed": "已签收", "notes": "备注",
}
LEFT_ROLL = ("转出", "退会", "去世")


@dataclass
class VisitInput:
    """One visit as typed in the form or read from a ledger; money in 分, dates ISO or date."""

    member_id: int
    occasion_id: int
    recipient_relation: str = "本人"
    recipient_name: str = ""
    event_date: str | dt.date | None = None
    visit_date: str | dt.date | None = None  # None: the event is recorded, the visit is still to make
    visitors: str = ""
    leader_went: bool = False
    cash_fen: int = 0
    goods_desc: str = ""
    goods_value_fen: int = 0
    payment_form: str = ""
    fund_source: str = ""
    illness: str = ""
    follow_up: str = ""
    signed: bool = False
    notes: str = ""
    campaign_id: int | None = None

    @property
    def total_fen(self) -> int:
        return (self.cash_fen or 0) + (self.goods_value_fen or 0)


@dataclass(frozen=True)
class RuleWarning:
    code: str  # over_cap / over_yearly_cap / same_illness / form_not_allowed / not_on_roll / missing_illness
    message: str


class RuleOverrideRequired(UserError):
    """The visit breaks a rule; saving again with a reason records it anyway."""

    def __init__(self, warnings: list[RuleWarning]):
        self.warnings = list(warnings)
        super().__init__("；".join(w.message for w in self.warnings) + "。如确需保存，请填写原因。")


def _problem(field: str, message: str) -> Problem:
    return Problem(field, message, field_label=VISIT_FIELD_LABELS.get(field, field))


def _iso(value, field: str, problems: list[Problem]) -> str | None:
    return iso_date(value, field, problems, _problem)


def status_on(db: sqlite_utils.Database, member_id: int, day: str) -> str | None:
    """The member's status on ``day`` according to the status history."""
    row = db.execute(
        "SELECT new_status FROM member_status_changes WHERE member_id = ? AND effective_date <= ? "
        "ORDER BY effective_date DESC, id DESC LIMIT 1", [member_id, day]).fetchone()
    return row[0] if row else None


class VisitStore:
    def __init__(self, db: sqlite_utils.Database, *, today: dt.date | None = None):
        self.db = db
        self._today = today

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- checking --------------------------------------------------------------------
    def normalize(self, visit: VisitInput) -> tuple[dict, list[Problem]]:
        """Column values and the hard errors that refuse the record."""
        problems: list[Problem] = []
        values = asdict(visit)
        values["event_date"] = _iso(visit.event_date, "event_date", problems)
        values["visit_date"] = _iso(visit.visit_date, "visit_date", problems)
        for key in ("recipient_relation", "recipient_name", "visitors", "goods_desc", "payment_form", "fund_source",
                    "illness", "follow_up", "notes"):
            values[key] = (values[key] or "").strip()
        values["recipient_relation"] = values["recipient_relation"] or "本人"
        values["leader_went"] = int(bool(visit.leader_went))
        values["signed"] = int(bool(visit.signed))
        member = self.db.execute("SELECT name, voided_at FROM members WHERE id = ?", [visit.member_id]).fetchone()
        if member is None or member[1]:
            problems.append(_problem("member_id", "请选择被慰问的会员"))
        if get_occasion(self.db, visit.occasion_id) is None:
            problems.append(_problem("occasion_id", "请选择慰问类别"))
        if values["recipient_relation"] not in RELATIONS:
            problems.append(_problem("recipient_relation", f"慰问对象应为：{'、'.join(RELATIONS)}"))
        elif values["recipient_relation"] == "本人":
            values["recipient_name"] = ""  # the member's own name; a copy would count as another person
        elif not values["recipient_name"]:
            problems.append(_problem("recipient_name", "慰问会员亲属时请填写亲属姓名"))
        if not values["visit_date"] and not values["event_date"] and not any(
                p.field in ("event_date", "visit_date") for p in problems):
            problems.append(_problem("visit_date", "请填写走访日期；还没有走访的，至少填写事由日期"))
        if values["visit_date"] and values["visit_date"] > self.today.isoformat():
            problems.append(_problem("visit_date", f"走访日期 {values['visit_date']} 晚于今天"))
        for key in ("cash_fen", "goods_value_fen"):
            if values[key] is None:
                values[key] = 0
            if not isinstance(values[key], int) or values[key] < 0:
                problems.append(_problem(key, "金额应为不小于0的数"))
        if values["goods_value_fen"] and not values["goods_desc"]:
            problems.append(_problem("goods_desc", "填写了慰问品价值时请写明慰问品"))
        if values["payment_form"] and values["payment_form"] not in PAYMENT_FORMS:
            problems.append(_problem("payment_form", f"发放形式应为：{'、'.join(PAYMENT_FORMS)}"))
        if not values["payment_form"] and values["cash_fen"]:
            values["payment_form"] = "现金"
        return values, problems

    def check_rules(self, visit: VisitInput, *, visit_id: int | None = None) -> list[RuleWarning]:
        """The rule breaches of ``visit`` (empty when it is within every rule)."""
        values, problems = self.normalize(visit)
        occasion = get_occasion(self.db, visit.occasion_id)
        if problems or occasion is None:
            return []
        return self._rule_warnings(values, occasion, visit_id)

    def _rule_warnings(self, values: dict, occasion: Occasion, visit_id: int | None) -> list[RuleWarning]:
        warnings: list[RuleWarning] = []
        total = values["cash_fen"] + values["goods_value_fen"]
        day = values["visit_date"] or values["event_date"]
        if occasion.cap_fen is not None and total > occasion.cap_fen:
            warnings.append(RuleWarning("over_cap", f"本次 {yuan_text(total)} 元超过“{occasion.name}”"
                                                    f"每次 {yuan_text(occasion.cap_fen)} 元的上限"))
        if occasion.cap_group_id is not None and occasion.cap_group_yearly_fen is not None and total:
            year = day[:4]
            already = self.db.execute(
                """SELECT coalesce(sum(v.cash_fen + v.goods_value_fen), 0) FROM visits v
                   JOIN care_occasions o ON o.id = v.occasion_id
                   WHERE v.member_id = ? AND o.cap_group_id = ? AND v.voided_at IS NULL AND v.id != ?
                     AND substr(coalesce(v.visit_date, v.event_date), 1, 4) = ?""",
                [values["member_id"], occasion.cap_group_id, visit_id or -1, year]).fetchone()[0]
            if already + total > occasion.cap_group_yearly_fen:
                warnings.append(RuleWarning(
                    "over_yearly_cap",
                    f"该会员{year}年“{occasion.cap_group_name}”已发 {yuan_text(already)} 元，加上本次 "
                    f"{yuan_text(total)} 元超过每人每年 {yuan_text(occasion.cap_group_yearly_fen)} 元的上限"))
        if occasion.needs_illness and not values["illness"]:
            warnings.append(RuleWarning("missing_illness", f"“{occasion.name}”请填写所患疾病，以便检查同一疾病每年慰问一次"))
        if occasion.once_per_year_same_illness and values["illness"]:
            start = (parse_date(day) - dt.timedelta(days=364)).isoformat()
            end = (parse_date(day) + dt.timedelta(days=364)).isoformat()
            earlier = self.db.execute(
                """SELECT coalesce(visit_date, event_date) FROM visits
                   WHERE member_id = ? AND occasion_id = ? AND recipient_relation = ? AND recipient_name = ?
                     AND replace(illness, ' ', '') = ? AND voided_at IS NULL AND id != ?
                     AND coalesce(visit_date, event_date) BETWEEN ? AND ?
                   ORDER BY 1 LIMIT 1""",
                [values["member_id"], occasion.id, values["recipient_relation"], values["recipient_name"],
                 values["illness"].replace(" ", ""), visit_id or -1, start, end]).fetchone()
            if earlier:
                warnings.append(RuleWarning(
                    "same_illness", f"同一疾病（{values['illness']}）已于 {earlier[0]} 慰问过，每年限一次"))
        if values["payment_form"] and values["payment_form"] not in occasion.allowed_forms:
            warnings.append(RuleWarning(
                "form_not_allowed", f"“{values['payment_form']}”不是“{occasion.name}”允许的发放形式"
                                    f"（允许：{'、'.join(occasion.allowed_forms)}）"))
        status = status_on(self.db, values["member_id"], day)
        if status in LEFT_ROLL and not (status == "去世" and "去世" in occasion.name):
            warnings.append(RuleWarning("not_on_roll", f"该会员在 {day} 的状态为“{status}”"))
        return warnings

    # --- writing ---------------------------------------------------------------------
    def save(self, visit: VisitInput, *, visit_id: int | None = None, override_reason: str = "") -> int:
        """Insert (or update) a visit. Raises ValidationError for errors and
        RuleOverrideRequired when it breaks a rule and no reason was given."""
        values, problems = self.normalize(visit)
        if problems:
            raise ValidationError(problems)
        occasion = get_occasion(self.db, visit.occasion_id)
        warnings = self._rule_warnings(values, occasion, visit_id)
        if warnings and not override_reason.strip():
            raise RuleOverrideRequired(warnings)
        values["rule_warnings"] = "；".join(w.message for w in warnings)
        values["override_reason"] = override_reason.strip() if warnings else ""
        with transaction(self.db) as conn:
            if visit_id is None:
                cursor = conn.execute(f"INSERT INTO visits ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                                      list(values.values()))
                return cursor.lastrowid
            current = conn.execute("SELECT voided_at FROM visits WHERE id = ?", (visit_id,)).fetchone()
            if current is None:
                raise UserError(f"慰问记录 {visit_id} 不存在")
            if current[0]:
                raise UserError("该慰问记录已作废，不能修改")
            conn.execute(f"UPDATE visits SET {', '.join(f'{k} = ?' for k in values)}, "
                         "updated_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime') WHERE id = ?",
                         [*values.values(), visit_id])
            return visit_id

    def get(self, visit_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM visits WHERE id = ?", [visit_id]))
        return rows[0] if rows else None

    def as_input(self, visit_id: int) -> VisitInput:
        row = self.get(visit_id)
        if row is None:
            raise UserError(f"慰问记录 {visit_id} 不存在")
        return VisitInput(**{k: row[k] for k in VisitInput.__dataclass_fields__})

    def void(self, visit_id: int, reason: str) -> None:
        """A mistaken record is voided, never deleted; it stays in the change log."""
        if not reason.strip():
            raise UserError("作废慰问记录时请填写原因")
        with transaction(self.db) as conn:
            conn.execute("UPDATE visits SET voided_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime'), "
                         "void_reason = ? WHERE id = ? AND voided_at IS NULL", (reason.strip(), visit_id))

    def set_signed(self, visit_ids: list[int], signed: bool = True) -> None:
        with transaction(self.db) as conn:
            conn.executemany("UPDATE visits SET signed = ? WHERE id = ? AND voided_at IS NULL",
                             [(int(signed), i) for i in visit_ids])
