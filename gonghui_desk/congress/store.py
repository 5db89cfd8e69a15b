"""The congress (职代会/教代会): terms (第N届), sessions (第M次会议), delegations (代表团/组) and delegates.

The rules the store keeps (everything else is the officer's choice):

* A term has a number ≥ 1, unique among live terms; its end is not before its start. Changing a term's
  dates is refused when a session's date or a delegate's dates would fall outside them.
* A session belongs to a live term, has a number ≥ 1 unique within the term, a kind (``CONGRESS_KINDS``;
  '' takes the union's word, :attr:`Vocabulary.congress_short`, 职代会 or 教代会), a date within the term's
  dates when both are known, and an optional proposal number format (see :func:`check_number_format`).
  Once it has live proposals its term and number are fixed (their numbers say 第3届第2次); a new number
  format applies to the proposals filed after the change.
* Session titles read "第三届职代会第二次会议" (:func:`session_title`): numbers in Chinese numerals, the
  way a congress's documents name it; proposal numbers keep Arabic digits ("第3届第2次-007").
* Delegations have a name unique within the term; voiding one leaves its delegates without a delegation.
* A delegate is a live member flagged for a term once (a second time is skipped), as 正式代表 or
  列席代表, optionally in a delegation of the same term. ``from_date`` is empty for a delegate elected
  with the term, or the day of a 补选; ``to_date`` is empty, or the last day served by a delegate who
  left (:meth:`CongressStore.end_delegate`, with its reason). Both lie within the term's dates when
  those are known, and the start is not after the end. A delegate serves on a day when the day lies
  between those dates (inclusive; an empty date does not bound). A member who was not 在册 on the
  delegate's first day (or today, for a delegate of the whole term) is added with a warning.
* The delegate counts of a session (:meth:`CongressStore.delegate_counts`) are computed from the
  delegate list of its term on the session's date (today when it has none): voided delegates and
  delegates of voided members are never counted.

Nothing is deleted: terms, sessions and delegates are voided with a reason, delegations are voided, and
every change is in the change log (the tables' triggers). A term can be voided only while it has no
live session; its delegations and delegates are voided with it. A session can be voided only while it
has no live proposal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import sqlite_utils

from gonghui_desk.checks import ids_text, is_int, iso_date
from gonghui_desk.dates import parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.db.member_queries import cached_sub_unit_paths, off_roll_warnings
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import Problem
from gonghui_desk.union import load_profile

__all__ = ["ATTENDING", "CONGRESS_FIELD_LABELS", "CONGRESS_KINDS", "DEFAULT_NUMBER_FORMAT", "DELEGATE_ROLES", "FORMAL",
           "NUMBER_TOKENS", "CongressStore", "DelegateAddResult", "DelegateCounts", "SessionInput", "TermInput",
           "check_number_format", "format_number", "serving_sql", "session_title"]

FORMAL, ATTENDING = "正式代表", "列席代表"
DELEGATE_ROLES = (FORMAL, ATTENDING)
CONGRESS_KINDS = ("职代会", "教代会", "会员代表大会")
NUMBER_TOKENS = ("届", "次", "年", "序号")
DEFAULT_NUMBER_FORMAT = "第{届}届第{次}次-{序号}"
CONGRESS_FIELD_LABELS = {
    "number": "届次", "started_on": "开始日期", "ended_on": "结束日期", "notes": "备注", "term_id": "届次",
    "session_number": "会议次数", "kind": "会议类型", "held_on": "会议日期", "venue": "会议地点",
    "number_format": "提案编号格式", "name": "代表团名称", "leader": "团长/组长", "member_ids": "会员",
    "role": "代表类别", "delegation_id": "代表团", "from_date": "任职开始日期", "to_date": "任职结束日期",
    "end_reason": "离任原因",
}
DELEGATE_CHUNK = 5000  # rows per executemany when adding many delegates
NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S','now','localtime')"
_KEEP = object()  # "leave as it is" for optional arguments that may be set to None
_TOKEN = re.compile(r"\{([^{}]*)\}")


def _problem(field_name: str, message: str, severity: str = "error") -> Problem:
    return Problem(field_name, message, severity, field_label=CONGRESS_FIELD_LABELS.get(field_name, field_name))


def _iso(value, field_name: str, problems: list[Problem]) -> str | None:
    return iso_date(value, field_name, problems, _problem)


def chinese_numeral(n: int) -> str:
    from gonghui_desk.demo import chinese_number

    return chinese_number(n)


def session_title(term_number: int, session_number: int, kind: str) -> str:
    """3, 2, "职代会" -> "第三届职代会第二次会议"."""
    return f"第{chinese_numeral(term_number)}届{kind}第{chinese_numeral(session_number)}次会议"


def check_number_format(text: str) -> str | None:
    """Why ``text`` cannot number proposals, or None. A format is any text with the tokens {届} {次} {年}
    {序号}; it must contain {序号} (the running number, written with 3 digits: 007)."""
    for token in _TOKEN.findall(text):
        if token not in NUMBER_TOKENS:
            return f"编号格式中的“{{{token}}}”无法识别，可用：{'、'.join('{' + t + '}' for t in NUMBER_TOKENS)}"
    if "{序号}" not in text:
        return "编号格式中应包含“{序号}”"
    if "{" in _TOKEN.sub("", text) or "}" in _TOKEN.sub("", text):
        return "编号格式中的花括号不成对"
    return None


def format_number(number_format: str, term_number: int, session_number: int, year: int, seq: int) -> str:
    """A proposal number: "第{届}届第{次}次-{序号}" -> "第3届第2次-007" ('' formats with the default)."""
    values = {"届": str(term_number), "次": str(session_number), "年": str(year), "序号": f"{seq:03d}"}
    return _TOKEN.sub(lambda m: values[m[1]], number_format or DEFAULT_NUMBER_FORMAT)


def serving_sql(alias: str = "d", day_param: str = "?") -> str:
    """SQL for "the delegate ``alias`` serves on the day" (its dates inclusive; empty dates do not bound)."""
    return (f"({alias}.from_date IS NULL OR {alias}.from_date <= {day_param}) "
            f"AND ({alias}.to_date IS NULL OR {alias}.to_date >= {day_param})")


@dataclass
class TermInput:
    """A term (第N届) as typed in the form; dates ISO or date."""

    number: int | None
    started_on: str | dt.date | None = None
    ended_on: str | dt.date | None = None
    notes: str = ""


@dataclass
class SessionInput:
    """A session (第M次会议) of a term."""

    term_id: int
    number: int | None
    kind: str = ""  # '' : the union's word (职代会 / 教代会)
    held_on: str | dt.date | None = None
    venue: str = ""
    number_format: str = ""  # '' : DEFAULT_NUMBER_FORMAT
    notes: str = ""


@dataclass
class DelegateAddResult:
    """What adding delegates did: the new rows' ids, how many members were already delegates of the term
    (skipped), and one warning per new delegate whose member was not 在册 on the delegate's first day."""

    delegate_ids: list[int] = field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return len(self.delegate_ids)


class DelegateCounts(NamedTuple):
    formal: int  # 正式代表
    attending: int  # 列席代表
    on_date: str  # the day counted


class CongressStore:
    def __init__(self, db: sqlite_utils.Database, today: dt.date | None = None):
        self.db = db
        self._today = today

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- terms --------------------------------------------------------------------------------
    def normalize_term(self, data: TermInput, term_id: int | None = None) -> tuple[dict, list[Problem]]:
        problems: list[Problem] = []
        values = asdict(data)
        values["notes"] = (values["notes"] or "").strip()
        values["started_on"] = _iso(data.started_on, "started_on", problems)
        values["ended_on"] = _iso(data.ended_on, "ended_on", problems)
        number = values["number"]
        if number is None:
            problems.append(_problem("number", "请填写届次"))
        elif not is_int(number) or number < 1:
            problems.append(_problem("number", "届次应为不小于1的整数"))
        elif self.db.execute("SELECT 1 FROM congress_terms WHERE number = ? AND voided_at IS NULL AND id != ?",
                             [number, term_id or -1]).fetchone():
            problems.append(_problem("number", f"已有第{number}届"))
        if values["started_on"] and values["ended_on"] and values["ended_on"] < values["started_on"]:
            problems.append(_problem("ended_on", f"结束日期 {values['ended_on']} 早于开始日期 {values['started_on']}"))
        return values, problems

    def _check_term_dates(self, term_id: int, values: dict, problems: list[Problem]) -> None:
        start, end = values["started_on"], values["ended_on"]
        if start:
            row = self.db.execute("SELECT min(held_on) FROM congress_sessions WHERE term_id = ? AND voided_at IS NULL",
                                  [term_id]).fetchone()
            if row[0] and row[0] < start:
                problems.append(_problem("started_on", f"本届已有 {row[0]} 召开的会议，开始日期不能晚于该日"))
            row = self.db.execute("SELECT min(coalesce(from_date, to_date)) FROM congress_delegates "
                                  "WHERE term_id = ? AND voided_at IS NULL", [term_id]).fetchone()
            if row[0] and row[0] < start:
                problems.append(_problem("started_on", f"本届有代表的任职日期为 {row[0]}，开始日期不能晚于该日"))
        if end:
            row = self.db.execute("SELECT max(held_on) FROM congress_sessions WHERE term_id = ? AND voided_at IS NULL",
                                  [term_id]).fetchone()
            if row[0] and row[0] > end:
                problems.append(_problem("ended_on", f"本届已有 {row[0]} 召开的会议，结束日期不能早于该日"))
            row = self.db.execute("SELECT max(coalesce(to_date, from_date)) FROM congress_delegates "
                                  "WHERE term_id = ? AND voided_at IS NULL", [term_id]).fetchone()
            if row[0] and row[0] > end:
                problems.append(_problem("ended_on", f"本届有代表的任职日期为 {row[0]}，结束日期不能早于该日"))

    def create_term(self, data: TermInput) -> int:
        values, problems = self.normalize_term(data)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            return conn.execute(f"INSERT INTO congress_terms ({', '.join(values)}) "
                                f"VALUES ({', '.join('?' * len(values))})", list(values.values())).lastrowid

    def update_term(self, term_id: int, data: TermInput) -> None:
        self.live_term(term_id)
        values, problems = self.normalize_term(data, term_id)
        self._check_term_dates(term_id, values, problems)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE congress_terms SET {', '.join(f'{k} = ?' for k in values)}, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [*values.values(), term_id])

    def void_term(self, term_id: int, reason: str) -> None:
        """Void a term entered by mistake, with its delegations and delegates; refused while it has live
        sessions (void those first)."""
        if not (reason or "").strip():
            raise UserError("作废届次时请填写原因")
        term = self.live_term(term_id)
        sessions = self.db.execute("SELECT count(*) FROM congress_sessions WHERE term_id = ? AND voided_at IS NULL",
                                   [term_id]).fetchone()[0]
        if sessions:
            raise UserError(f"第{term['number']}届已有{sessions}次会议，请先作废这些会议，再作废届次")
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE congress_delegates SET voided_at = {NOW_SQL}, void_reason = ? "
                         "WHERE term_id = ? AND voided_at IS NULL", [reason.strip(), term_id])
            conn.execute(f"UPDATE congress_delegations SET voided_at = {NOW_SQL} "
                         "WHERE term_id = ? AND voided_at IS NULL", [term_id])
            conn.execute(f"UPDATE congress_terms SET voided_at = {NOW_SQL}, void_reason = ? WHERE id = ?",
                         [reason.strip(), term_id])

    def get_term(self, term_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM congress_terms WHERE id = ?", [term_id]))
        return rows[0] if rows else None

    def live_term(self, term_id: int) -> dict:
        row = self.get_term(term_id)
        if row is None or row["voided_at"]:
            raise UserError("该届次不存在或已作废")
        return row

    def terms(self) -> list[dict]:
        """The live terms, newest first, each with ``sessions`` (live sessions) and ``delegates`` (live
        delegate rows, whatever their dates)."""
        return list(self.db.query(
            """SELECT t.*,
                      (SELECT count(*) FROM congress_sessions s WHERE s.term_id = t.id AND s.voided_at IS NULL)
                          AS sessions,
                      (SELECT count(*) FROM congress_delegates d JOIN members m ON m.id = d.member_id
                       WHERE d.term_id = t.id AND d.voided_at IS NULL AND m.voided_at IS NULL) AS delegates
               FROM congress_terms t WHERE t.voided_at IS NULL ORDER BY t.number DESC, t.id DESC"""))

    # --- sessions ---------------------------------------------------------------------------------
    def congress_word(self) -> str:
        """The union's word for its congress: 职代会, or 教代会 for a school."""
        return load_profile(self.db).vocabulary.congress_short

    def normalize_session(self, data: SessionInput, *, current: dict | None = None) -> tuple[dict, list[Problem]]:
        """Column values and the hard errors of a session (``current``: the stored row when updating)."""
        problems: list[Problem] = []
        values = asdict(data)
        for key in ("kind", "venue", "number_format", "notes"):
            values[key] = (values[key] or "").strip()
        values["kind"] = values["kind"] or self.congress_word()
        values["held_on"] = _iso(data.held_on, "held_on", problems)
        term = self.get_term(values["term_id"]) if values["term_id"] is not None else None
        if term is None or term["voided_at"]:
            problems.append(_problem("term_id", "请选择届次" if term is None else "所选届次已作废"))
            term = None
        number = values["number"]
        if number is None:
            problems.append(_problem("session_number", "请填写会议次数"))
        elif not is_int(number) or number < 1:
            problems.append(_problem("session_number", "会议次数应为不小于1的整数"))
        elif term and self.db.execute(
                "SELECT 1 FROM congress_sessions WHERE term_id = ? AND number = ? AND voided_at IS NULL AND id != ?",
                [term["id"], number, (current or {}).get("id", -1)]).fetchone():
            problems.append(_problem("session_number", f"第{term['number']}届已有第{number}次会议"))
        if values["kind"] not in CONGRESS_KINDS and values["kind"] != (current or {}).get("kind"):
            problems.append(_problem("kind", f"会议类型应为：{'、'.join(CONGRESS_KINDS)}"))
        if term and values["held_on"]:
            if term["started_on"] and values["held_on"] < term["started_on"]:
                problems.append(_problem("held_on", f"会议日期 {values['held_on']} 早于第{term['number']}届的开始日期 "
                                                    f"{term['started_on']}"))
            if term["ended_on"] and values["held_on"] > term["ended_on"]:
                problems.append(_problem("held_on", f"会议日期 {values['held_on']} 晚于第{term['number']}届的结束日期 "
                                                    f"{term['ended_on']}"))
        if values["number_format"]:
            message = check_number_format(values["number_format"])
            if message:
                problems.append(_problem("number_format", message))
        if current is not None and (values["term_id"] != current["term_id"] or number != current["number"]):
            proposals = self.db.execute("SELECT count(*) FROM proposals WHERE session_id = ? AND voided_at IS NULL",
                                        [current["id"]]).fetchone()[0]
            if proposals:
                problems.append(_problem("session_number", f"该会议已有{proposals}件提案，不能再修改届次或会议次数"))
        return values, problems

    def create_session(self, data: SessionInput) -> int:
        values, problems = self.normalize_session(data)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            return conn.execute(f"INSERT INTO congress_sessions ({', '.join(values)}) "
                                f"VALUES ({', '.join('?' * len(values))})", list(values.values())).lastrowid

    def update_session(self, session_id: int, data: SessionInput) -> None:
        current = self.live_session(session_id)
        values, problems = self.normalize_session(data, current=current)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE congress_sessions SET {', '.join(f'{k} = ?' for k in values)}, "
                         f"updated_at = {NOW_SQL} WHERE id = ?", [*values.values(), session_id])

    def void_session(self, session_id: int, reason: str) -> None:
        """Void a session entered by mistake; refused while it has live proposals (void those first)."""
        if not (reason or "").strip():
            raise UserError("作废会议时请填写原因")
        self.live_session(session_id)
        proposals = self.db.execute("SELECT count(*) FROM proposals WHERE session_id = ? AND voided_at IS NULL",
                                    [session_id]).fetchone()[0]
        if proposals:
            raise UserError(f"该会议还有{proposals}件提案，请先作废这些提案，再作废会议")
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE congress_sessions SET voided_at = {NOW_SQL}, void_reason = ? WHERE id = ?",
                         [reason.strip(), session_id])

    _SESSION_SQL = """SELECT s.*, t.number AS term_number, t.started_on AS term_started_on,
                             t.ended_on AS term_ended_on,
                             (SELECT count(*) FROM proposals p WHERE p.session_id = s.id AND p.voided_at IS NULL)
                                 AS proposals
                      FROM congress_sessions s JOIN congress_terms t ON t.id = s.term_id"""

    def _titled(self, rows: list[dict]) -> list[dict]:
        for row in rows:
            row["title"] = session_title(row["term_number"], row["number"], row["kind"])
        return rows

    def get_session(self, session_id: int) -> dict | None:
        """The session's row with term_number, term_started_on, term_ended_on, proposals (live) and title."""
        rows = self._titled(list(self.db.query(f"{self._SESSION_SQL} WHERE s.id = ?", [session_id])))
        return rows[0] if rows else None

    def live_session(self, session_id: int) -> dict:
        row = self.get_session(session_id)
        if row is None or row["voided_at"]:
            raise UserError("该会议不存在或已作废")
        return row

    def sessions(self, term_id: int | None = None) -> list[dict]:
        """The live sessions of live terms (of one term), newest first, shaped like :meth:`get_session`."""
        where, params = "s.voided_at IS NULL AND t.voided_at IS NULL", []
        if term_id is not None:
            where += " AND s.term_id = ?"
            params.append(term_id)
        return self._titled(list(self.db.query(
            f"{self._SESSION_SQL} WHERE {where} ORDER BY t.number DESC, s.number DESC, s.id DESC", params)))

    def latest_session(self) -> dict | None:
        """The newest live session (highest term, then highest session number), or None."""
        sessions = self.sessions()
        return sessions[0] if sessions else None

    # --- delegations (代表团/组) -----------------------------------------------------------------
    def _delegation(self, delegation_id: int) -> dict:
        rows = list(self.db.query("SELECT * FROM congress_delegations WHERE id = ?", [delegation_id]))
        if not rows or rows[0]["voided_at"]:
            raise UserError("该代表团不存在或已作废")
        return rows[0]

    def _delegation_name(self, term_id: int, name: str, delegation_id: int | None = None) -> str:
        name = (name or "").strip()
        if not name:
            raise ValidationError([_problem("name", "请填写代表团名称")])
        if self.db.execute("SELECT 1 FROM congress_delegations WHERE term_id = ? AND name = ? AND voided_at IS NULL "
                           "AND id != ?", [term_id, name, delegation_id or -1]).fetchone():
            raise ValidationError([_problem("name", f"本届已有名为“{name}”的代表团")])
        return name

    def add_delegation(self, term_id: int, name: str, leader: str = "") -> int:
        """A delegation of the term, after its other delegations."""
        self.live_term(term_id)
        name = self._delegation_name(term_id, name)
        with transaction(self.db) as conn:
            order = conn.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM congress_delegations WHERE term_id = ?",
                                 [term_id]).fetchone()[0]
            return conn.execute("INSERT INTO congress_delegations (term_id, name, leader, sort_order) "
                                "VALUES (?, ?, ?, ?)", [term_id, name, (leader or "").strip(), order]).lastrowid

    def update_delegation(self, delegation_id: int, *, name: str | None = None, leader: str | None = None) -> None:
        """Rename a delegation or change its leader (团长/组长)."""
        delegation = self._delegation(delegation_id)
        values = {}
        if name is not None:
            values["name"] = self._delegation_name(delegation["term_id"], name, delegation_id)
        if leader is not None:
            values["leader"] = leader.strip()
        if values:
            with transaction(self.db) as conn:
                conn.execute(f"UPDATE congress_delegations SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                             [*values.values(), delegation_id])

    def reorder_delegations(self, term_id: int, delegation_ids: list[int]) -> None:
        with transaction(self.db) as conn:
            conn.executemany("UPDATE congress_delegations SET sort_order = ? WHERE id = ? AND term_id = ?",
                             [(order, i, term_id) for order, i in enumerate(delegation_ids, 1)])

    def void_delegation(self, delegation_id: int) -> int:
        """Void a delegation; its delegates stay delegates without a delegation. Returns how many."""
        self._delegation(delegation_id)
        with transaction(self.db) as conn:
            moved = conn.execute(f"UPDATE congress_delegates SET delegation_id = NULL, updated_at = {NOW_SQL} "
                                 "WHERE delegation_id = ? AND voided_at IS NULL", [delegation_id]).rowcount
            conn.execute(f"UPDATE congress_delegations SET voided_at = {NOW_SQL} WHERE id = ?", [delegation_id])
        return moved

    def delegations(self, term_id: int) -> list[dict]:
        """The term's live delegations in order, each with ``delegates`` (live rows of live members)."""
        return list(self.db.query(
            """SELECT g.*, (SELECT count(*) FROM congress_delegates d JOIN members m ON m.id = d.member_id
                            WHERE d.delegation_id = g.id AND d.voided_at IS NULL AND m.voided_at IS NULL) AS delegates
               FROM congress_delegations g WHERE g.term_id = ? AND g.voided_at IS NULL
               ORDER BY g.sort_order, g.id""", [term_id]))

    # --- delegates -----------------------------------------------------------------------------------
    def _check_delegation(self, term_id: int, delegation_id: int | None, problems: list[Problem]) -> None:
        if delegation_id is None:
            return
        rows = list(self.db.query("SELECT term_id, voided_at FROM congress_delegations WHERE id = ?", [delegation_id]))
        if not rows or rows[0]["voided_at"] or rows[0]["term_id"] != term_id:
            problems.append(_problem("delegation_id", "所选代表团不属于本届或已作废"))

    def _check_dates(self, term: dict, from_date: str | None, to_date: str | None, problems: list[Problem]) -> None:
        if from_date and to_date and to_date < from_date:
            problems.append(_problem("to_date", f"任职结束日期 {to_date} 早于开始日期 {from_date}"))
        for key, day in (("from_date", from_date), ("to_date", to_date)):
            if not day:
                continue
            if term["started_on"] and day < term["started_on"]:
                problems.append(_problem(key, f"{day} 早于第{term['number']}届的开始日期 {term['started_on']}"))
            elif term["ended_on"] and day > term["ended_on"]:
                problems.append(_problem(key, f"{day} 晚于第{term['number']}届的结束日期 {term['ended_on']}"))

    def _check_members(self, member_ids) -> list[int]:
        try:
            ids = list(dict.fromkeys(int(i) for i in member_ids))
        except (TypeError, ValueError):
            raise ValidationError([_problem("member_ids", "会员编号有误")]) from None
        bad: list = []
        for start in range(0, len(ids), DELEGATE_CHUNK * 10):
            chunk = ids[start:start + DELEGATE_CHUNK * 10]
            bad += [r[0] for r in self.db.execute(
                "SELECT j.value FROM json_each(?) j LEFT JOIN members m ON m.id = j.value "
                "WHERE m.id IS NULL OR m.voided_at IS NOT NULL", [json.dumps(chunk)])]
        if bad:
            raise ValidationError([_problem("member_ids", f"以下会员不存在或已作废（编号 {ids_text(bad)}）")])
        return ids

    def _status_warnings(self, member_ids: list[int], day: str) -> list[str]:
        return off_roll_warnings(self.db, member_ids, day)

    def add_delegates(self, term_id: int, member_ids, *, role: str = FORMAL, delegation_id: int | None = None,
                      from_date=None) -> DelegateAddResult:
        """Flag members as delegates of the term (skipping those who already are); ``from_date`` for a 补选.
        Any number of members, in one transaction. Members not 在册 on ``from_date`` (or today) are added
        with a warning."""
        term = self.live_term(term_id)
        problems: list[Problem] = []
        start = _iso(from_date, "from_date", problems)
        if role not in DELEGATE_ROLES:
            problems.append(_problem("role", f"代表类别应为：{'、'.join(DELEGATE_ROLES)}"))
        self._check_delegation(term_id, delegation_id, problems)
        self._check_dates(term, start, None, problems)
        if problems:
            raise ValidationError(problems)
        ids = self._check_members(member_ids)
        result = DelegateAddResult()
        with transaction(self.db) as conn:
            present = {r[0] for r in conn.execute(
                "SELECT member_id FROM congress_delegates WHERE term_id = ? AND voided_at IS NULL", [term_id])}
            new = [i for i in ids if i not in present]
            result.skipped = len(ids) - len(new)
            next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM congress_delegates").fetchone()[0]
            result.delegate_ids = list(range(next_id, next_id + len(new)))
            for offset in range(0, len(new), DELEGATE_CHUNK):
                conn.executemany(
                    "INSERT INTO congress_delegates (id, term_id, member_id, role, delegation_id, from_date) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(next_id + offset + n, term_id, member_id, role, delegation_id, start)
                     for n, member_id in enumerate(new[offset:offset + DELEGATE_CHUNK])])
        result.warnings = self._status_warnings(new, start or self.today.isoformat())
        return result

    def get_delegate(self, delegate_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM congress_delegates WHERE id = ?", [delegate_id]))
        return rows[0] if rows else None

    def _live_delegate(self, delegate_id: int) -> dict:
        row = self.get_delegate(delegate_id)
        if row is None or row["voided_at"]:
            raise UserError("该代表记录不存在或已作废")
        return row

    def update_delegate(self, delegate_id: int, *, role=_KEEP, delegation_id=_KEEP, from_date=_KEEP, to_date=_KEEP,
                        notes=_KEEP) -> None:
        """Change a delegate's role, delegation (or None), dates (or None) or notes."""
        current = self._live_delegate(delegate_id)
        term = self.live_term(current["term_id"])
        problems: list[Problem] = []
        values: dict = {}
        if role is not _KEEP:
            if role not in DELEGATE_ROLES:
                problems.append(_problem("role", f"代表类别应为：{'、'.join(DELEGATE_ROLES)}"))
            values["role"] = role
        if delegation_id is not _KEEP:
            self._check_delegation(current["term_id"], delegation_id, problems)
            values["delegation_id"] = delegation_id
        for key, value in (("from_date", from_date), ("to_date", to_date)):
            if value is not _KEEP:
                values[key] = _iso(value, key, problems)
        if "to_date" in values and values["to_date"] is None:
            values["end_reason"] = ""
        if notes is not _KEEP:
            values["notes"] = (notes or "").strip()
        self._check_dates(term, values.get("from_date", current["from_date"]),
                          values.get("to_date", current["to_date"]), problems)
        if problems:
            raise ValidationError(problems)
        if values:
            with transaction(self.db) as conn:
                conn.execute(f"UPDATE congress_delegates SET {', '.join(f'{k} = ?' for k in values)}, "
                             f"updated_at = {NOW_SQL} WHERE id = ?", [*values.values(), delegate_id])

    def end_delegate(self, delegate_id: int, to_date, reason: str) -> None:
        """A delegate who left before the term's end (调离, 退休…): ``to_date`` is the last day served."""
        current = self._live_delegate(delegate_id)
        term = self.live_term(current["term_id"])
        problems: list[Problem] = []
        day = _iso(to_date, "to_date", problems)
        if day is None and not problems:
            problems.append(_problem("to_date", "请填写任职结束日期"))
        if not (reason or "").strip():
            problems.append(_problem("end_reason", "请填写离任原因"))
        self._check_dates(term, current["from_date"], day, problems)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE congress_delegates SET to_date = ?, end_reason = ?, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [day, reason.strip(), delegate_id])

    def void_delegate(self, delegate_id: int, reason: str) -> None:
        """A member flagged as delegate by mistake (one who left is ended instead: :meth:`end_delegate`)."""
        if not (reason or "").strip():
            raise UserError("作废代表记录时请填写原因")
        self._live_delegate(delegate_id)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE congress_delegates SET voided_at = {NOW_SQL}, void_reason = ? WHERE id = ?",
                         [reason.strip(), delegate_id])

    def delegates(self, term_id: int, on_date=None, *, role: str | None = None) -> list[dict]:
        """The term's live delegates (of live members), those serving on ``on_date`` when given: every
        delegate column plus member_name, member_status, sub_unit_id, sub_unit_path and delegation_name
        ('' without one); by delegation, 正式代表 before 列席代表, then by name."""
        clauses, params = ["d.term_id = ?", "d.voided_at IS NULL", "m.voided_at IS NULL"], [term_id]
        if on_date is not None:
            day = parse_date(on_date)
            clauses.append(serving_sql("d"))
            params += [day.isoformat(), day.isoformat()]
        if role is not None:
            clauses.append("d.role = ?")
            params.append(role)
        rows = list(self.db.query(
            f"""SELECT d.*, m.name AS member_name, m.status AS member_status, m.sub_unit_id,
                       coalesce(g.name, '') AS delegation_name
                FROM congress_delegates d JOIN members m ON m.id = d.member_id
                LEFT JOIN congress_delegations g ON g.id = d.delegation_id
                WHERE {' AND '.join(clauses)}
                ORDER BY g.id IS NULL, g.sort_order, g.id, d.role <> '{FORMAL}', m.name_sort, m.id""", params))
        paths = cached_sub_unit_paths(self.db)
        for row in rows:
            row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
        return rows

    def is_delegate(self, term_id: int, member_id: int, day) -> bool:
        """Whether the member was a delegate (正式 or 列席) of the term on ``day``."""
        day = parse_date(day).isoformat()
        return self.db.execute(
            f"SELECT EXISTS (SELECT 1 FROM congress_delegates d WHERE d.term_id = ? AND d.member_id = ? "
            f"AND d.voided_at IS NULL AND {serving_sql('d')})", [term_id, member_id, day, day]).fetchone()[0] == 1

    def delegate_counts(self, session_id: int) -> DelegateCounts:
        """(正式代表, 列席代表) of the session's term serving on the session's date (today when none)."""
        session = self.get_session(session_id)
        if session is None:
            raise UserError("该会议不存在")
        day = session["held_on"] or self.today.isoformat()
        row = self.db.execute(
            f"""SELECT count(*) FILTER (WHERE d.role = '{FORMAL}'), count(*) FILTER (WHERE d.role = '{ATTENDING}')
                FROM congress_delegates d JOIN members m ON m.id = d.member_id AND m.voided_at IS NULL
                WHERE d.term_id = ? AND d.voided_at IS NULL AND {serving_sql('d')}""",
            [session["term_id"], day, day]).fetchone()
        return DelegateCounts(row[0], row[1], day)
