"""The honours register (荣誉): one honour to a person, a collective or the union itself.

An honour has a recipient (``recipient_kind``: 个人 a member; 集体 one of the union's
sub-units and/or a group by name such as "高一年级组语文备课组"; 本会 the union itself), a title
(free text; the value list ``honour.title`` only offers the common ones), a level (``LEVELS``),
the conferring body, a year and, once awarded, the date. It moves through the stages
推荐 → 申报 → 获评, never backwards (a historical honour is simply recorded as 获评); the date
is only filled in at 获评, and it is optional. A mistaken honour is voided with a reason, never
deleted.

劳模类型 (``members.model_worker_type``) follows from a member's honours (DOMAIN.md §2.7):

- a *model-worker title* is a title containing 劳动模范, 劳模 or 先进工作者 (全国劳动模范,
  省劳动模范, 市先进工作者…), but not one naming something else: a 劳模创新工作室, or a
  candidate (候选, 提名);
- each 个人 honour with such a title, at stage 获评 and not voided, implies the type of its level:
  全国 → 全国劳模, 省部级 → 省部级劳模, 市级 → 市级劳模, 县区级 → 县区级劳模 (系统/行业 and
  本单位 honours imply none); the highest implied type wins;
- whenever an honour is saved, updated, moved on a stage or voided, the member's type is worked
  out again in the same transaction (through :meth:`MemberStore.update_clean`, so the member's
  change log records it): the type the member had counts as *implied* when it equals what the
  honours implied before the change (or is empty); then the new implied type replaces it, and
  when no such honour is left it is cleared. A type that differs from that (typed by hand for an
  honour that is not recorded) is kept, unless the honours now imply a higher one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

import sqlite_utils

from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import MODEL_WORKER_TYPES, MemberStore, Problem, clean_text

RECIPIENT_KINDS = ("个人", "集体", "本会")
LEVELS = ("全国", "省部级", "市级", "县区级", "系统/行业", "本单位")  # highest first
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
STAGES = ("推荐", "申报", "获评")
AWARDED = "获评"
FIRST_YEAR = 1950
TITLE_MAX = 60
NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S','now','localtime')"

MODEL_WORKER_WORDS = ("劳动模范", "劳模", "先进工作者")
NOT_MODEL_WORKER_WORDS = ("工作室", "候选", "提名")
MODEL_WORKER_BY_LEVEL = dict(zip(("全国", "省部级", "市级", "县区级"), MODEL_WORKER_TYPES))
MODEL_WORKER_RANK = {kind: rank for rank, kind in enumerate(MODEL_WORKER_TYPES)}  # 全国劳模 highest

HONOUR_FIELD_LABELS = {
    "recipient_kind": "获得者类型", "member_id": "获得者（会员）", "sub_unit_id": "集体（部门）",
    "group_name": "集体名称", "title": "荣誉称号", "level": "级别", "conferred_by": "授予单位", "year": "年度",
    "conferred_on": "授予日期", "stage": "阶段", "notes": "备注", "void_reason": "作废原因",
}
UNION_SELF = "本会"  # how the union names itself when it is the recipient


def is_model_worker_title(title: str) -> bool:
    """Whether ``title`` is a model-worker title (see the module text)."""
    title = title or ""
    return any(w in title for w in MODEL_WORKER_WORDS) and not any(w in title for w in NOT_MODEL_WORKER_WORDS)


def model_worker_type_for(title: str, level: str) -> str:
    """The 劳模类型 an awarded personal honour implies, or ""."""
    return MODEL_WORKER_BY_LEVEL.get(level, "") if is_model_worker_title(title) else ""


def higher_type(a: str, b: str) -> str:
    """The higher of two 劳模类型 ("" is lowest; an unknown text ranks below the known ones)."""
    def rank(kind: str) -> int:
        return -1 if not kind else len(MODEL_WORKER_TYPES) - MODEL_WORKER_RANK.get(kind, len(MODEL_WORKER_TYPES))
    return a if rank(a) >= rank(b) else b


def next_stage(stage: str) -> str | None:
    """The stage after ``stage`` (None after 获评)."""
    index = STAGES.index(stage) if stage in STAGES else len(STAGES)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


@dataclass
class HonourInput:
    """An honour's fields as typed in the form or read from a spreadsheet; dates ISO or date."""

    recipient_kind: str = "个人"
    member_id: int | None = None  # 个人
    sub_unit_id: int | None = None  # 集体: one of the union's sub-units…
    group_name: str = ""  # …and/or a group by name (班组、科室…)
    title: str = ""
    level: str = ""
    conferred_by: str = ""
    year: int | str | None = None  # None: the year of conferred_on
    conferred_on: str | dt.date | None = None  # only at 获评, optional
    stage: str = AWARDED
    notes: str = ""


_COLUMNS = tuple(f.name for f in fields(HonourInput))


def _problem(field: str, message: str, severity: str = "error") -> Problem:
    return Problem(field, message, severity, field_label=HONOUR_FIELD_LABELS.get(field, field))


def duplicate_key(values: dict) -> tuple:
    """What makes two honours the same: the recipient, the title, the level and the year."""
    return (values["recipient_kind"], values.get("member_id"), values.get("sub_unit_id"),
            values.get("group_name") or "", values["title"], values["level"], values["year"])


class HonourStore:
    def __init__(self, db: sqlite_utils.Database, today: dt.date | None = None):
        self.db = db
        self._today = today
        self.members = MemberStore(db)
        # (member_id, old type, new type) of the 劳模类型 changed by the last write
        self.type_changes: list[tuple[int, str, str]] = []

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- checking --------------------------------------------------------------------------
    def normalize(self, data: HonourInput, *, current: dict | None = None,
                  check_duplicate: bool = True) -> tuple[dict, list[Problem]]:
        """Column values of ``data`` and the problems that refuse it. ``current``: the stored
        honour when updating (its stage may not go back)."""
        problems: list[Problem] = []
        values = asdict(data)
        for key in ("recipient_kind", "group_name", "title", "level", "conferred_by", "stage"):
            values[key] = clean_text(values[key])
        values["notes"] = str(values["notes"] or "").strip()
        kind = values["recipient_kind"]
        if kind not in RECIPIENT_KINDS:
            problems.append(_problem("recipient_kind", f"获得者类型应为：{'、'.join(RECIPIENT_KINDS)}"))
        if kind != "个人":
            values["member_id"] = None
        if kind != "集体":
            values["sub_unit_id"], values["group_name"] = None, ""
        if kind == "个人":
            member = self.db.execute("SELECT voided_at FROM members WHERE id = ?",
                                     [values["member_id"] or 0]).fetchone()
            if member is None or member[0]:
                problems.append(_problem("member_id", "请选择获得荣誉的会员（须是名册中未作废的会员）"))
        elif kind == "集体":
            if values["sub_unit_id"] is not None:
                unit = self.db.execute("SELECT voided_at FROM sub_units WHERE id = ?", [values["sub_unit_id"]]).fetchone()
                if unit is None or unit[0]:
                    problems.append(_problem("sub_unit_id", "所选部门不存在或已撤销"))
            elif not values["group_name"]:
                problems.append(_problem("group_name", "集体荣誉请选择获得荣誉的部门，或填写集体名称（如某班组、科室）"))
        if not values["title"]:
            problems.append(_problem("title", "请填写荣誉称号"))
        elif len(values["title"]) > TITLE_MAX:
            problems.append(_problem("title", f"荣誉称号过长（超过{TITLE_MAX}个字）"))
        if values["level"] not in LEVELS:
            problems.append(_problem("level", "请选择级别" if not values["level"]
                                     else f"级别“{values['level']}”无效，应为：{'、'.join(LEVELS)}"))
        if values["stage"] not in STAGES:
            problems.append(_problem("stage", f"阶段应为：{'、'.join(STAGES)}"))
        elif current is not None and STAGES.index(values["stage"]) < STAGES.index(current["stage"]):
            problems.append(_problem("stage", f"阶段不能倒退（现为“{current['stage']}”）；如登记有误，请作废后重新登记"))
        day = self._conferred_on(values, problems)
        self._year(values, day, problems)
        if day is not None and values["stage"] in STAGES and values["stage"] != AWARDED:
            problems.append(_problem("conferred_on", f"授予日期在获评后填写（现为“{values['stage']}”阶段）"))
        if check_duplicate and not problems:
            other = self.find_duplicate(values, exclude_id=current["id"] if current else None)
            if other is not None:
                problems.append(_problem("title", f"已有同一获得者{values['year']}年的“{values['title']}”"
                                                  f"（{values['level']}，编号 {other}），不要重复登记"))
        return values, problems

    def _conferred_on(self, values: dict, problems: list[Problem]) -> dt.date | None:
        try:
            day = parse_date(values["conferred_on"])
        except DateParseError as exc:
            problems.append(_problem("conferred_on", str(exc)))
            values["conferred_on"] = None
            return None
        if day is not None and day > self.today:
            problems.append(_problem("conferred_on", f"授予日期 {day.isoformat()} 晚于今天"))
        values["conferred_on"] = day.isoformat() if day else None
        return day

    def _year(self, values: dict, day: dt.date | None, problems: list[Problem]) -> None:
        year = values["year"]
        if isinstance(year, float) and year.is_integer():
            year = int(year)
        if isinstance(year, str):
            text = year.strip().removesuffix("年度").removesuffix("年")
            year = int(text) if text.isdigit() else (None if not text else year)
        if year is None and day is not None:
            year = day.year
        last = self.today.year + 1
        if year is None:
            problems.append(_problem("year", "请填写年度（如 2024）"))
        elif isinstance(year, bool) or not isinstance(year, int):
            problems.append(_problem("year", f"年度“{values['year']}”应为四位数字的年份，如 2024"))
        elif not FIRST_YEAR <= year <= last:
            problems.append(_problem("year", f"年度 {year} 不合理（应在 {FIRST_YEAR}—{last} 年之间）"))
        elif day is not None and day.year != year:
            problems.append(_problem("conferred_on", f"授予日期 {day.isoformat()} 不在 {year} 年度内"))
        values["year"] = year

    def find_duplicate(self, values: dict, *, exclude_id: int | None = None) -> int | None:
        """The id of a live honour with the same :func:`duplicate_key`, or None."""
        row = self.db.execute(
            """SELECT id FROM honours WHERE voided_at IS NULL AND id != ? AND recipient_kind = ?
                   AND member_id IS ? AND sub_unit_id IS ? AND group_name = ? AND title = ? AND level = ?
                   AND year = ? ORDER BY id LIMIT 1""",
            [exclude_id or -1, *duplicate_key(values)]).fetchone()
        return row[0] if row else None

    # --- reading ---------------------------------------------------------------------------
    def get(self, honour_id: int) -> dict | None:
        """The honour with recipient_name, member_name, sub_unit_path (the member's or the
        collective's) and model_worker_type (what it implies when awarded)."""
        from gonghui_desk.honours.register import honour_rows

        return honour_rows(self.db, [honour_id]).get(honour_id)

    def as_input(self, honour_id: int) -> HonourInput:
        row = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM honours WHERE id = ?", [honour_id]).fetchone()
        if row is None:
            raise UserError(f"荣誉记录 {honour_id} 不存在。")
        return HonourInput(**dict(zip(_COLUMNS, row)))

    def member_honours(self, member_id: int) -> list[dict]:
        """A member's live honours, oldest first."""
        ids = [r[0] for r in self.db.execute(
            "SELECT id FROM honours WHERE member_id = ? AND voided_at IS NULL ORDER BY year, conferred_on, id",
            [member_id])]
        rows = self._rows(ids)
        return [rows[i] for i in ids]

    def _rows(self, ids: list[int]) -> dict[int, dict]:
        from gonghui_desk.honours.register import honour_rows

        return honour_rows(self.db, ids)

    def implied_model_worker_type(self, member_id: int) -> str:
        """The highest 劳模类型 the member's awarded honours imply ("" for none)."""
        best = ""
        for title, level in self.db.execute(
                "SELECT title, level FROM honours WHERE member_id = ? AND recipient_kind = '个人' "
                "AND stage = ? AND voided_at IS NULL", [member_id, AWARDED]):
            best = higher_type(best, model_worker_type_for(title, level))
        return best

    # --- writing ---------------------------------------------------------------------------
    def _current(self, honour_id: int) -> dict:
        rows = list(self.db.query("SELECT * FROM honours WHERE id = ?", [honour_id]))
        if not rows:
            raise UserError(f"荣誉记录 {honour_id} 不存在。")
        if rows[0]["voided_at"]:
            raise UserError("该荣誉记录已作废，不能修改。")
        return rows[0]

    def _sync_model_workers(self, before: dict[int, str]) -> None:
        """Bring the members' 劳模类型 in line with their honours (see the module text); called
        inside the write's transaction with what the honours implied before it."""
        for member_id, implied_before in before.items():
            member = self.members.get(member_id)
            if member is None:
                continue
            current = member["model_worker_type"] or ""
            implied = self.implied_model_worker_type(member_id)
            if current == implied_before or not current:
                wanted = implied
            else:  # typed by hand: kept unless the honours now say more
                wanted = higher_type(current, implied)
            if wanted != current:
                self.members.update_clean(member_id, {"model_worker_type": wanted}, current=member)
                self.type_changes.append((member_id, current, wanted))

    def _write(self, member_ids, action):
        """Run ``action(conn)`` in one transaction and re-derive the members' 劳模类型 after it."""
        self.type_changes = []
        with transaction(self.db) as conn:
            before = {m: self.implied_model_worker_type(m) for m in member_ids if m}
            result = action(conn)
            self._sync_model_workers(before)
        return result

    def save(self, data: HonourInput) -> int:
        """A new honour; raises ValidationError with every problem."""
        values, problems = self.normalize(data)
        if problems:
            raise ValidationError(problems)

        def insert(conn) -> int:
            return conn.execute(f"INSERT INTO honours ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                                list(values.values())).lastrowid

        return self._write([values["member_id"]], insert)

    def update(self, honour_id: int, data: HonourInput) -> None:
        """Correct an honour's fields (the stage may move on, never back)."""
        current = self._current(honour_id)
        values, problems = self.normalize(data, current=current)
        if problems:
            raise ValidationError(problems)

        def update(conn) -> None:
            conn.execute(f"UPDATE honours SET {', '.join(f'{k} = ?' for k in values)}, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [*values.values(), honour_id])

        self._write([current["member_id"], values["member_id"]], update)

    def advance(self, honour_id: int, conferred_on=None, *, to_stage: str | None = None) -> str:
        """推荐 → 申报 → 获评: the next stage (or ``to_stage``, a later one); ``conferred_on`` (optional)
        is the date of 获评. Returns the new stage."""
        current = self._current(honour_id)
        target = to_stage or next_stage(current["stage"])
        if target is None:
            raise UserError("该荣誉已经获评，没有下一阶段。")
        if target not in STAGES or STAGES.index(target) <= STAGES.index(current["stage"]):
            raise UserError(f"阶段只能向前推进（现为“{current['stage']}”）。")
        data = self.as_input(honour_id)
        data.stage = target
        data.conferred_on = conferred_on if target == AWARDED else None
        values, problems = self.normalize(data, current=current, check_duplicate=False)
        if problems:
            raise ValidationError(problems)

        def move(conn) -> None:
            conn.execute(f"UPDATE honours SET stage = ?, conferred_on = ?, year = ?, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [target, values["conferred_on"], values["year"], honour_id])

        self._write([current["member_id"]], move)
        return target

    def void(self, honour_id: int, reason: str) -> None:
        """A mistaken honour is voided with a reason, never deleted."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError("作废荣誉记录时请填写原因（例如：重复登记）。")
        current = self._current(honour_id)

        def void(conn) -> None:
            conn.execute(f"UPDATE honours SET voided_at = {NOW_SQL}, void_reason = ? WHERE id = ?",
                         [reason, honour_id])

        self._write([current["member_id"]], void)


__all__ = ["AWARDED", "HONOUR_FIELD_LABELS", "HonourInput", "HonourStore", "LEVELS", "LEVEL_RANK",
           "MODEL_WORKER_BY_LEVEL", "MODEL_WORKER_WORDS", "RECIPIENT_KINDS", "STAGES", "duplicate_key",
           "higher_type", "is_model_worker_title", "model_worker_type_for", "next_stage"]
