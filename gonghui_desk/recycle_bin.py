"""The recycle bin (回收站): every voided record, of every kind, in one list, and the way back.

Nothing is ever deleted: a record entered by mistake is voided (``voided_at``, usually with a
``void_reason``) and drops out of every list and figure. This module knows each kind of record that can be
voided on purpose (:data:`KINDS`): its Chinese name, how to describe one in a line ("张三 2026-01-20
生病住院慰问 500元", built in SQL so the list can be searched and paged in SQL), what it belongs to, what must
stay unique among live records, which records were voided together with it, and which parts of the app show
it (``areas``, for the GUI to refresh).

Reading: :func:`voided_keys` (the ordered ``(kind, id)`` keys matching a :class:`BinFilter`, newest void
first), :func:`records_for_keys` (their rows for a page of the list), :func:`voided_records` (one page by
LIMIT/OFFSET) and :func:`voided_count`. The voided rows are found by one ``UNION ALL`` over the kinds; the
tables' indexes are partial (``WHERE voided_at IS NULL``), so each kind costs one scan of its table, and only
the voided rows are described.

Restoring (:func:`restore`, :func:`restore_many`) re-checks what the record needs: a member whose ID number
is now used by another member, a visit of a voided member, a child whose parent is voided ("请先恢复…"), a
name or number now taken by a live record — each refused with a Chinese message. Members go through
:meth:`MemberStore.restore`, honours through the honours store (their 劳模类型 follows); the rest are set
live again (``voided_at`` and ``void_reason`` to NULL) in one transaction. The records voided together with a
parent (a campaign's visits, a team's entries and results, a term's delegates) come back with it. The change
log's triggers write a ``restore`` row for each.

Left out on purpose: the rows voided by editing a list (a proposal's co-signers, a team's members, a hardship
file's family members; they come back by editing the list again) and the yearly caps of care occasions
(never voided by the app).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

import sqlite_utils

from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError

Key = tuple[str, int]  # (kind key, record id)

# The parts of the app a restored record shows up in; the GUI maps them to its change signals.
ALL_AREAS = ("members", "visits", "hardship", "events", "honours", "congress", "profile")
CASCADE_SECONDS = 5  # children voided with their parent: voided within this many seconds of it
ID_CHUNK = 500


# --- SQL pieces ------------------------------------------------------------------------------------------------
def _yuan(expr: str) -> str:
    """SQL: an amount in 分 as "1,200元" / "12.50元" (as :func:`gonghui_desk.money.yuan_text` writes it)."""
    return (f"(CASE WHEN ({expr}) % 100 = 0 THEN printf('%,d', ({expr}) / 100) "
            f"ELSE printf('%,d.%02d', ({expr}) / 100, ({expr}) % 100) END || '元')")


def _opt(expr: str, before: str = " ", after: str = "") -> str:
    """SQL: ``before || expr || after`` when ``expr`` is not empty, else ''."""
    return f"(CASE WHEN coalesce({expr}, '') <> '' THEN '{before}' || {expr} || '{after}' ELSE '' END)"


def _case(expr: str, labels: dict[str, str]) -> str:
    """SQL: the label of ``expr``'s value, or the value itself."""
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in labels.items())
    return f"(CASE {expr} {whens} ELSE {expr} END)"


def _value_list_labels() -> dict[str, str]:
    from gonghui_desk.value_lists import LIST_LABELS

    return LIST_LABELS


def _report_kinds() -> dict[str, str]:
    from gonghui_desk.reports.model import REPORT_KINDS

    return REPORT_KINDS


# --- the kinds ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Parent:
    """A record this kind belongs to: restoring is refused while it is voided."""

    column: str
    kind: str  # a key of KINDS


@dataclass(frozen=True)
class Cascade:
    """Children voided together with the record (within :data:`CASCADE_SECONDS` of it, and with the reason
    ``reason`` makes of the parent's, when given), restored with it."""

    kind: str
    column: str
    reason: str | None = None  # "{reason}" is the parent's void reason; None: the time alone decides


@dataclass(frozen=True)
class BinKind:
    key: str  # the table
    label: str  # 种类, as the list shows it
    from_sql: str  # FROM … (the table aliased as ``alias``, with the joins the description needs)
    alias: str
    describe: str  # SQL: the one-line description
    has_reason: bool = True  # the table has void_reason
    areas: tuple[str, ...] = ()
    parents: tuple[Parent, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()  # columns that must not match a live record's
    cascade: tuple[Cascade, ...] = ()
    order: int = 0  # restore order: parents before children

    @property
    def table(self) -> str:
        return self.key


def _kinds() -> tuple[BinKind, ...]:
    member_name = "m.name"
    occasion = "(o.name || CASE WHEN o.name LIKE '%慰问' THEN '' ELSE '慰问' END)"
    term = "('第' || t.number || '届')"
    return (
        BinKind("members", "会员", "members m LEFT JOIN sub_units u ON u.id = m.sub_unit_id", "m",
                f"m.name || {_opt('m.sex')} || {_opt('m.birth_date')} || {_opt('u.name')} || ' ' || m.status",
                areas=ALL_AREAS),
        BinKind("campaigns", "批量慰问", "campaigns c JOIN care_occasions o ON o.id = c.occasion_id", "c",
                "c.name || ' ' || c.campaign_date || '（' || "
                "(SELECT count(*) FROM campaign_recipients r WHERE r.campaign_id = c.id) || '人）'",
                areas=("visits",), cascade=(Cascade("visits", "campaign_id", "所属慰问批次作废：{reason}"),)),
        BinKind("visits", "慰问记录",
                "visits v JOIN members m ON m.id = v.member_id JOIN care_occasions o ON o.id = v.occasion_id", "v",
                f"{member_name} || CASE WHEN v.recipient_relation <> '本人' THEN '（' || v.recipient_relation || "
                f"{_opt('v.recipient_name')} || '）' ELSE '' END || {_opt('coalesce(v.visit_date, v.event_date)')} "
                f"|| ' ' || {occasion} || CASE WHEN v.cash_fen > 0 THEN ' ' || {_yuan('v.cash_fen')} ELSE '' END "
                f"|| {_opt('v.goods_desc')}",
                areas=("visits",), parents=(Parent("member_id", "members"), Parent("campaign_id", "campaigns"))),
        BinKind("hardship_files", "困难职工档案", "hardship_files f JOIN members m ON m.id = f.member_id", "f",
                f"m.name || '（' || {_opt('f.category', '', '，')} || f.opened_on || ' 建档，' || f.status || '）'",
                areas=("hardship",), parents=(Parent("member_id", "members"),)),
        BinKind("hardship_reviews", "年度复核",
                "hardship_reviews r JOIN hardship_files f ON f.id = r.file_id JOIN members m ON m.id = f.member_id",
                "r", "m.name || ' ' || r.review_date || ' 年度复核：' || r.result", has_reason=False,
                areas=("hardship",), parents=(Parent("file_id", "hardship_files"),)),
        BinKind("aid_payments", "帮扶记录", "aid_payments a JOIN members m ON m.id = a.member_id", "a",
                f"m.name || ' ' || a.aid_type || ' ' || {_yuan('a.cash_fen + a.goods_value_fen')} || "
                f"{_opt('coalesce(a.paid_on, a.applied_on)')} || '（' || a.stage || '）'",
                areas=("hardship",), parents=(Parent("file_id", "hardship_files"), Parent("member_id", "members"))),
        BinKind("events", "活动", "events e", "e",
                f"e.name || ' ' || e.start_date || {_opt('e.kind', '（', '）')}", areas=("events",)),
        BinKind("event_items", "活动项目", "event_items i JOIN events e ON e.id = i.event_id", "i",
                "e.name || ' · 项目：' || i.name", has_reason=False, areas=("events",),
                parents=(Parent("event_id", "events"),), unique=(("event_id", "name"),),
                cascade=(Cascade("event_participants", "item_id"),)),
        BinKind("event_teams", "参赛队伍", "event_teams t JOIN events e ON e.id = t.event_id", "t",
                "e.name || ' · 队伍：' || t.name", has_reason=False, areas=("events",),
                parents=(Parent("event_id", "events"),), cascade=(Cascade("event_participants", "team_id"),)),
        BinKind("event_participants", "报名记录",
                "event_participants p JOIN events e ON e.id = p.event_id LEFT JOIN event_items i ON i.id = p.item_id "
                "LEFT JOIN members m ON m.id = p.member_id LEFT JOIN event_teams t ON t.id = p.team_id", "p",
                f"e.name || {_opt('i.name', ' · ')} || ' · ' || coalesce(m.name, t.name, '')", areas=("events",),
                parents=(Parent("event_id", "events"), Parent("item_id", "event_items"),
                         Parent("team_id", "event_teams"), Parent("member_id", "members")),
                unique=(("event_id", "item_id", "member_id", "team_id"),),
                cascade=(Cascade("event_results", "participant_id", "{reason}"),)),
        BinKind("event_results", "成绩",
                "event_results r JOIN events e ON e.id = r.event_id "
                "LEFT JOIN event_participants p ON p.id = r.participant_id LEFT JOIN members m ON m.id = p.member_id "
                "LEFT JOIN event_teams t ON t.id = p.team_id", "r",
                f"e.name || ' · ' || coalesce(m.name, t.name, r.awardee) || {_opt('r.stage')} || "
                f"CASE WHEN r.rank IS NOT NULL THEN ' 第' || r.rank || '名' ELSE '' END || {_opt('r.grade')}",
                areas=("events",),
                parents=(Parent("event_id", "events"), Parent("participant_id", "event_participants"))),
        BinKind("honours", "荣誉",
                "honours h LEFT JOIN members m ON m.id = h.member_id LEFT JOIN sub_units u ON u.id = h.sub_unit_id",
                "h", "coalesce(m.name, u.name, nullif(h.group_name, ''), h.recipient_kind) || ' ' || h.year || '年 ' "
                     "|| h.level || ' ' || h.title || '（' || h.stage || '）'",
                areas=("honours", "members"), parents=(Parent("member_id", "members"),)),
        BinKind("congress_terms", "届次", "congress_terms t", "t", f"{term} || {_opt('t.started_on', '（', ' 起）')}",
                areas=("congress",), unique=(("number",),),
                cascade=(Cascade("congress_delegations", "term_id"),
                         Cascade("congress_delegates", "term_id", "{reason}"))),
        BinKind("congress_sessions", "会议", "congress_sessions s JOIN congress_terms t ON t.id = s.term_id", "s",
                f"{term} || '第' || s.number || '次' || s.kind || {_opt('s.held_on')}", areas=("congress",),
                parents=(Parent("term_id", "congress_terms"),), unique=(("term_id", "number"),)),
        BinKind("congress_delegations", "代表团", "congress_delegations g JOIN congress_terms t ON t.id = g.term_id", "g",
                f"{term} || ' 代表团：' || g.name", has_reason=False, areas=("congress",),
                parents=(Parent("term_id", "congress_terms"),), unique=(("term_id", "name"),)),
        BinKind("congress_delegates", "代表",
                "congress_delegates d JOIN congress_terms t ON t.id = d.term_id JOIN members m ON m.id = d.member_id",
                "d", f"{term} || ' ' || d.role || '：' || m.name", areas=("congress",),
                parents=(Parent("term_id", "congress_terms"), Parent("member_id", "members"),
                         Parent("delegation_id", "congress_delegations")),
                unique=(("term_id", "member_id"),)),
        BinKind("proposals", "提案", "proposals p LEFT JOIN members m ON m.id = p.proposer_member_id", "p",
                "p.number || ' ' || p.title || '（' || coalesce(m.name, p.proposer_text) || '）'", areas=("congress",),
                parents=(Parent("session_id", "congress_sessions"), Parent("proposer_member_id", "members"),
                         Parent("merged_into_id", "proposals"), Parent("split_from_id", "proposals")),
                unique=(("session_id", "number"),)),
        BinKind("proposal_handlings", "提案办理", "proposal_handlings h JOIN proposals p ON p.id = h.proposal_id", "h",
                "'提案 ' || p.number || ' 第' || h.round || '轮办理（主办：' || h.lead_department || '）'",
                areas=("congress",), parents=(Parent("proposal_id", "proposals"),), unique=(("proposal_id", "round"),)),
        BinKind("report_drafts", "总结草稿", "report_drafts d", "d",
                f"CASE WHEN d.title <> '' THEN d.title ELSE {_case('d.kind', _report_kinds())} END || "
                "'（' || d.date_from || ' 至 ' || d.date_to || '）'", areas=("reports",)),
        BinKind("form_mappings", "表格对应关系", "form_mappings f", "f", "f.name", has_reason=False,
                areas=("forms",)),
        BinKind("care_occasions", "慰问类别", "care_occasions o", "o", "o.name", has_reason=False,
                areas=("visits",), unique=(("name",),)),
        BinKind("value_lists", "选项", "value_lists v", "v",
                f"{_case('v.list_key', _value_list_labels())} || '：' || v.value",
                has_reason=False, areas=("hardship", "events", "honours", "congress"), unique=(("list_key", "value"),)),
        BinKind("sub_units", "部门/工会小组", "sub_units u LEFT JOIN sub_units pu ON pu.id = u.parent_id", "u",
                f"{_opt('pu.name', '', '/')} || u.name || '（' || u.kind || '）'", has_reason=False,
                areas=("profile", "members"), parents=(Parent("parent_id", "sub_units"),),
                unique=(("parent_id", "name"),)),
        BinKind("committee_members", "工会委员", "committee_members c", "c",
                "c.committee || ' ' || c.role || '：' || c.person_name", has_reason=False, areas=("profile",),
                parents=(Parent("member_id", "members"),)),
    )


KINDS: tuple[BinKind, ...] = tuple(replace(k, order=i) for i, k in enumerate(_kinds()))
KIND_BY_KEY: dict[str, BinKind] = {k.key: k for k in KINDS}


def kind_label(key: str) -> str:
    kind = KIND_BY_KEY.get(key)
    return kind.label if kind else key


# --- reading -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BinFilter:
    kind: str | None = None  # a key of KINDS; None: every kind
    search: str = ""  # in the description and the void reason


@dataclass(frozen=True)
class VoidedRecord:
    kind: str
    record_id: int
    description: str
    voided_at: str
    void_reason: str

    @property
    def key(self) -> Key:
        return (self.kind, self.record_id)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def voided_text(self) -> str:
        """2026-01-20 10:05"""
        return (self.voided_at or "").replace("T", " ")[:16]


def _select(kind: BinKind, where: str) -> str:
    a = kind.alias
    reason = f"coalesce({a}.void_reason, '')" if kind.has_reason else "''"
    return (f"SELECT '{kind.key}' AS kind, {a}.id AS record_id, {a}.voided_at AS voided_at, {reason} AS void_reason, "
            f"coalesce({kind.describe}, '') AS description FROM {kind.from_sql} WHERE {where}")


def _kinds_of(f: BinFilter) -> list[BinKind]:
    if f.kind is None:
        return list(KINDS)
    if f.kind not in KIND_BY_KEY:
        raise UserError(f"回收站没有“{f.kind}”这类记录")
    return [KIND_BY_KEY[f.kind]]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _union(f: BinFilter, *, described: bool = True) -> tuple[str, list]:
    """SQL of the voided rows matching ``f`` (kind, record_id, voided_at, void_reason, description). Without a
    search and not ``described``: only (kind, record_id, voided_at), from the tables alone (no joins)."""
    words = f.search.split()
    if not words and not described:
        parts = [f"SELECT '{k.key}' AS kind, id AS record_id, voided_at FROM {k.table} WHERE voided_at IS NOT NULL"
                 for k in _kinds_of(f)]
        return "SELECT * FROM (" + " UNION ALL ".join(parts) + ")", []
    parts = [_select(k, f"{k.alias}.voided_at IS NOT NULL") for k in _kinds_of(f)]
    sql = "SELECT * FROM (" + " UNION ALL ".join(parts) + ")"
    params: list = []
    if words:
        sql += " WHERE " + " AND ".join("(description LIKE ? ESCAPE '\\' OR void_reason LIKE ? ESCAPE '\\')"
                                         for _ in words)
        for word in words:
            params += [_like(word), _like(word)]
    return sql, params


ORDER_SQL = " ORDER BY voided_at DESC, kind, record_id DESC"


def voided_keys(db: sqlite_utils.Database, f: BinFilter = BinFilter()) -> list[Key]:
    """The ``(kind, id)`` of every voided record matching ``f``, the most recently voided first."""
    sql, params = _union(f, described=False)
    return [(r[0], r[1]) for r in db.execute(f"SELECT kind, record_id FROM ({sql}){ORDER_SQL}", params)]


def voided_count(db: sqlite_utils.Database, f: BinFilter = BinFilter()) -> int:
    sql, params = _union(f, described=False)
    return db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def _record(row) -> VoidedRecord:
    return VoidedRecord(row[0], row[1], row[4], row[2] or "", row[3] or "")


def voided_records(db: sqlite_utils.Database, f: BinFilter = BinFilter(), *, limit: int | None = None,
                   offset: int = 0) -> list[VoidedRecord]:
    """One page of the voided records matching ``f``, the most recently voided first."""
    sql, params = _union(f)
    sql += ORDER_SQL
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, int(limit), int(offset)]
    return [_record(r) for r in db.execute(sql, params)]


def records_for_keys(db: sqlite_utils.Database, keys: Iterable[Key]) -> dict[Key, VoidedRecord]:
    """The rows of these keys (a page of the list), one query per kind; a key no longer voided is left out."""
    by_kind: dict[str, list[int]] = {}
    for kind, record_id in keys:
        by_kind.setdefault(kind, []).append(record_id)
    result: dict[Key, VoidedRecord] = {}
    for kind_key, ids in by_kind.items():
        kind = KIND_BY_KEY[kind_key]
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start:start + ID_CHUNK]
            where = f"{kind.alias}.voided_at IS NOT NULL AND {kind.alias}.id IN ({', '.join('?' * len(chunk))})"
            for row in db.execute(_select(kind, where), chunk):
                record = _record(row)
                result[record.key] = record
    return result


def describe_records(db: sqlite_utils.Database, table: str, ids: Sequence) -> dict[int, str]:
    """One-line descriptions of records of ``table`` (voided or not) by id; {} for a table that is not a kind."""
    kind = KIND_BY_KEY.get(table)
    if kind is None:
        return {}
    result: dict[int, str] = {}
    ids = [int(i) for i in ids]
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        where = f"{kind.alias}.id IN ({', '.join('?' * len(chunk))})"
        for row in db.execute(_select(kind, where), chunk):
            result[row[1]] = row[4]
    return result


def describe(db: sqlite_utils.Database, table: str, record_id: int) -> str:
    """The record's one-line description ("张三 2026-01-20 生病住院慰问 500元"), or "" when unknown."""
    return describe_records(db, table, [record_id]).get(int(record_id), "")


# --- restoring ---------------------------------------------------------------------------------------------------
@dataclass
class RestoreResult:
    kind: str
    record_id: int
    description: str
    also: dict[str, int] = field(default_factory=dict)  # kind -> how many records voided with it came back

    @property
    def key(self) -> Key:
        return (self.kind, self.record_id)

    @property
    def areas(self) -> set[str]:
        areas = set(KIND_BY_KEY[self.kind].areas)
        for kind in self.also:
            areas.update(KIND_BY_KEY[kind].areas)
        return areas

    def text(self) -> str:
        """已恢复批量慰问“…”，同时恢复 12 条慰问记录"""
        text = f"已恢复{kind_label(self.kind)}“{self.description}”"
        if self.also:
            text += "，同时恢复 " + "、".join(f"{n} 条{kind_label(k)}" for k, n in self.also.items())
        return text


@dataclass
class RestoreOutcome:
    restored: list[RestoreResult] = field(default_factory=list)
    refused: list[tuple[Key, str, str]] = field(default_factory=list)  # (key, description, message)

    @property
    def areas(self) -> set[str]:
        return set().union(*(r.areas for r in self.restored)) if self.restored else set()

    @property
    def restored_count(self) -> int:
        return len(self.restored) + sum(sum(r.also.values()) for r in self.restored)


def _row(conn, table: str, record_id: int) -> dict | None:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE id = ?", [record_id])
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def _conn(db) -> sqlite3.Connection:
    return db.conn if isinstance(db, sqlite_utils.Database) else db


def _check_parents(db, kind: BinKind, row: dict, description: str) -> None:
    for parent in kind.parents:
        parent_id = row.get(parent.column)
        if parent_id is None:
            continue
        parent_row = _row(_conn(db), KIND_BY_KEY[parent.kind].table, parent_id)
        if parent_row is not None and parent_row["voided_at"]:
            label = kind_label(parent.kind)
            raise UserError(f"不能恢复{kind.label}“{description}”：它所属的{label}“{describe(db, parent.kind, parent_id)}”"
                            f"已作废，请先恢复该{label}。")


def _check_unique(db, kind: BinKind, row: dict, description: str) -> None:
    for columns in kind.unique:
        where = " AND ".join(f"{c} IS ?" for c in columns)
        other = _conn(db).execute(
            f"SELECT id FROM {kind.table} WHERE {where} AND voided_at IS NULL AND id <> ? LIMIT 1",
            [*(row[c] for c in columns), row["id"]]).fetchone()
        if other:
            raise UserError(f"不能恢复{kind.label}“{description}”：已有一条相同的{kind.label}“{describe(db, kind.key, other[0])}”"
                            "（未作废）。如确需恢复，请先修改或作废现有的那条。")


def _check_special(db, kind: BinKind, row: dict, description: str) -> None:
    if kind.key == "hardship_files":
        from gonghui_desk.hardship.files import LIVE_STATUSES, HardshipFileStore

        if row["status"] in LIVE_STATUSES:
            try:
                HardshipFileStore(db)._check_no_live_file(_conn(db), row["member_id"], except_id=row["id"])
            except UserError as exc:
                raise UserError(f"不能恢复{kind.label}“{description}”：{exc}") from None


def _set_live(db, kind: BinKind, row: dict) -> None:
    conn = _conn(db)
    assignments = "voided_at = NULL" + (", void_reason = NULL" if kind.has_reason else "")
    if kind.key == "honours":
        from gonghui_desk.honours.store import HonourStore

        HonourStore(db)._write([row["member_id"]], lambda c: c.execute(
            f"UPDATE honours SET {assignments} WHERE id = ?", [row["id"]]))
        return
    try:
        conn.execute(f"UPDATE {kind.table} SET {assignments} WHERE id = ?", [row["id"]])
    except sqlite3.IntegrityError as exc:  # a unique rule not listed in ``kind.unique``
        raise UserError(f"不能恢复这条{kind.label}：恢复后会与现有的记录重复（{exc}）。") from None


def _children(conn, cascade: Cascade, row: dict) -> list[int]:
    child = KIND_BY_KEY[cascade.kind]
    sql = (f"SELECT id FROM {child.table} WHERE {cascade.column} = ? AND voided_at IS NOT NULL "
           "AND abs(julianday(voided_at) - julianday(?)) * 86400 <= ?")
    params: list = [row["id"], row["voided_at"], CASCADE_SECONDS]
    if cascade.reason is not None and child.has_reason:
        sql += " AND void_reason IS ?"
        params.append(cascade.reason.format(reason=row.get("void_reason") or ""))
    return [r[0] for r in conn.execute(sql + " ORDER BY id", params)]


def _restore_row(db, kind: BinKind, row: dict, also: dict[str, int], *, cascaded: bool = False) -> None:
    description = describe(db, kind.key, row["id"])
    _check_parents(db, kind, row, description)
    _check_unique(db, kind, row, description)
    _check_special(db, kind, row, description)
    if kind.key == "members":
        from gonghui_desk.members import MemberStore

        try:
            MemberStore(db).restore(row["id"])
        except UserError as exc:
            raise UserError(f"不能恢复会员“{description}”：{str(exc).removeprefix('不能恢复：')}") from None
    else:
        _set_live(db, kind, row)
    if cascaded:
        also[kind.key] = also.get(kind.key, 0) + 1
    conn = _conn(db)
    for cascade in kind.cascade:
        child_kind = KIND_BY_KEY[cascade.kind]
        for child_id in _children(conn, cascade, row):
            child = _row(conn, child_kind.table, child_id)
            conn.execute("SAVEPOINT bin_child")
            try:
                _restore_row(db, child_kind, child, also, cascaded=True)
            except UserError:  # a child that cannot come back (its member voided…) stays in the bin
                conn.execute("ROLLBACK TO bin_child")
            conn.execute("RELEASE bin_child")


def restore(db: sqlite_utils.Database, kind_key: str, record_id: int) -> RestoreResult:
    """Restore one voided record (and what was voided with it), in one transaction; a :class:`UserError`
    says why it cannot come back."""
    kind = KIND_BY_KEY.get(kind_key)
    if kind is None:
        raise UserError(f"回收站没有“{kind_key}”这类记录")
    with transaction(db) as conn:
        row = _row(conn, kind.table, record_id)
        if row is None:
            raise UserError(f"{kind.label} {record_id} 不存在")
        description = describe(db, kind.key, record_id)
        if not row["voided_at"]:
            raise UserError(f"{kind.label}“{description}”没有作废，无需恢复")
        also: dict[str, int] = {}
        _restore_row(db, kind, row, also)
    return RestoreResult(kind.key, int(record_id), description, also)


def restore_many(db: sqlite_utils.Database, keys: Iterable[Key]) -> RestoreOutcome:
    """Restore several records, each on its own (one refused does not stop the others), parents before
    children; a record already brought back with another one of them is not refused again."""
    keys = sorted(set(keys), key=lambda k: (KIND_BY_KEY[k[0]].order if k[0] in KIND_BY_KEY else -1, k[1]))
    outcome = RestoreOutcome()
    for key in keys:
        kind = KIND_BY_KEY.get(key[0])
        if kind is not None and any(key[0] in r.also for r in outcome.restored):
            row = _row(_conn(db), kind.table, key[1])
            if row is not None and not row["voided_at"]:
                continue  # it came back with a record restored before it
        try:
            outcome.restored.append(restore(db, *key))
        except UserError as exc:
            outcome.refused.append((key, describe(db, key[0], key[1]) if kind else "", str(exc)))
    return outcome


# --- printing ------------------------------------------------------------------------------------------------------
PRINT_TITLE = "作废记录清单"


def describe_filter(f: BinFilter) -> str:
    parts = [f"种类：{kind_label(f.kind)}" if f.kind else "种类：全部"]
    if f.search.strip():
        parts.append(f"关键词：{f.search.strip()}")
    return "；".join(parts) + "（按作废时间从近到远排列）"


def print_table(db: sqlite_utils.Database, f: BinFilter = BinFilter(), *, prepared_by: str = "", today=None):
    """The voided records ``f`` picks as a printable list (A4 portrait), the most recently voided first."""
    from gonghui_desk.exporting.xlsx import Column, signature_line
    from gonghui_desk.printing import print_date_text, table_from_columns
    from gonghui_desk.union import load_profile

    columns = (Column("seq", "序号", 5, "int"), Column("kind", "种类", 10), Column("description", "内容", 34),
               Column("voided_at", "作废时间", 14), Column("reason", "作废原因", 18))
    records = voided_records(db, f)
    rows = ({"seq": n, "kind": r.kind_label, "description": r.description, "voided_at": r.voided_text,
             "reason": r.void_reason} for n, r in enumerate(records, 1))
    return table_from_columns(columns, rows, title=PRINT_TITLE, subtitle_lines=[describe_filter(f)],
                              union_name=load_profile(db).name, date_text=print_date_text(today),
                              total_lines=[f"合计：共 {len(records)} 条"], footer_line=signature_line(prepared_by),
                              landscape=False)


__all__ = ["ALL_AREAS", "KINDS", "KIND_BY_KEY", "BinFilter", "BinKind", "Cascade", "Key", "Parent", "RestoreOutcome",
           "RestoreResult", "VoidedRecord", "describe", "describe_records", "kind_label", "records_for_keys", "restore",
           "restore_many", "voided_count", "voided_keys", "voided_records", "describe_filter", "print_table"]
