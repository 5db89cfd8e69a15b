"""The change log made readable: which record changed, when, how, and each field's old and new value in words.

The database's triggers (:mod:`gonghui_desk.db.changelog`) keep one ``change_log`` row per insert, update,
status change, void and restore, with the whole old and new row as JSON. This module turns those rows into
:class:`ChangeEntry` objects a person can read: the table's Chinese name (:data:`TABLE_LABELS`), the record
described in one line (the recycle bin's descriptions, :func:`gonghui_desk.recycle_bin.describe_records`), the
action (新增/修改/状态变更/作废/恢复) and each changed field as "手机号：138****0000 → 139****1111" — Chinese
field labels per table (the modules' own label tables, completed here), money in 元, dates as dates, 是/否,
the ids of other records resolved to their names, and ID, phone and bank numbers masked unless
``full_numbers`` is asked for.

Reading: :func:`record_history` (one record, newest first), :func:`log_page` (the whole log or a
:class:`LogFilter`'s part of it, a page at a time by id: the newest first, fast at any size), :func:`iter_log`
(every matching entry, for an export) and :func:`count_log`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import sqlite_utils

from gonghui_desk.db.changelog import entries_for
from gonghui_desk.idcard import mask_account, mask_id_number, mask_phone
from gonghui_desk.jobs import IsCancelled, check_cancel
from gonghui_desk.money import yuan_text

ACTION_LABELS = {"insert": "新增", "update": "修改", "status": "状态变更", "void": "作废", "restore": "恢复",
                 "delete": "删除", "unmask": "显示完整号码", "password": "密码"}
# Rows not written by the triggers (gonghui_desk.privacy): an output that showed the numbers in full
# ('unmask', record '*'), and the app's password set, changed or removed ('password').
NOTE_ACTIONS = ("unmask", "password")
EMPTY = "（空）"
OMITTED = "（内容较长，略）"
PAGE_SIZE = 200

TABLE_LABELS = {
    "union_profile": "工会信息", "staff_counts": "职工人数", "sub_units": "部门/工会小组", "members": "会员",
    "member_status_changes": "会籍变更", "committee_members": "工会委员", "care_cap_groups": "慰问合计上限",
    "care_occasions": "慰问类别", "campaigns": "批量慰问", "campaign_recipients": "批量慰问名单", "visits": "慰问记录",
    "value_lists": "选项", "hardship_files": "困难职工档案", "hardship_family_members": "家庭成员",
    "hardship_reviews": "年度复核", "aid_payments": "帮扶记录", "events": "活动", "event_items": "活动项目",
    "event_teams": "参赛队伍", "event_team_members": "队员", "event_participants": "报名记录", "event_results": "成绩",
    "honours": "荣誉", "congress_terms": "届次", "congress_sessions": "会议", "congress_delegations": "代表团",
    "congress_delegates": "代表", "proposals": "提案", "proposal_cosigners": "附议人", "proposal_handlings": "提案办理",
    "report_drafts": "总结草稿", "form_mappings": "表格对应关系", "app_settings": "设置",
    "change_log": "修改记录",
}

COMMON_LABELS = {"id": "编号", "voided_at": "作废时间", "void_reason": "作废原因", "status": "状态", "notes": "备注",
                 "sort_order": "排序", "member_id": "会员", "sub_unit_id": "部门", "status_date": "状态日期",
                 "rule_warnings": "超标准提示", "override_reason": "超标准的理由"}


def _field_labels() -> dict[str, dict[str, str]]:
    """Per table: column -> Chinese label, from the modules' own label tables where they have one."""
    from gonghui_desk.care.visits import VISIT_FIELD_LABELS
    from gonghui_desk.congress.proposals import PROPOSAL_FIELD_LABELS
    from gonghui_desk.congress.store import CONGRESS_FIELD_LABELS
    from gonghui_desk.events.store import EVENT_FIELD_LABELS
    from gonghui_desk.hardship.aid import AID_FIELD_LABELS
    from gonghui_desk.hardship.files import FAMILY_FIELD_LABELS, FILE_FIELD_LABELS
    from gonghui_desk.honours.store import HONOUR_FIELD_LABELS
    from gonghui_desk.members import MEMBER_FIELDS

    congress = {k: v for k, v in CONGRESS_FIELD_LABELS.items() if k not in ("number", "name")}
    proposal = dict(PROPOSAL_FIELD_LABELS)
    return {
        "union_profile": {"name": "工会名称", "kind": "单位类型", "upstream_union": "上级工会", "address": "地址",
                          "chair": "工会主席", "term_number": "本届届次", "term_elected_on": "换届日期",
                          "term_expires_on": "届满日期"},
        "staff_counts": {"year": "年度", "staff_count": "职工人数"},
        "sub_units": {"parent_id": "上级单位", "name": "名称", "kind": "类型"},
        "members": {**{f.key: f.label for f in MEMBER_FIELDS}, "sub_unit_id": "部门/工会小组"},
        "member_status_changes": {"old_status": "原状态", "new_status": "新状态", "effective_date": "生效日期",
                                  "reason": "原因", "recorded_at": "登记时间"},
        "committee_members": {"committee": "委员会", "person_name": "姓名", "role": "职务"},
        "care_cap_groups": {"name": "名称", "yearly_cap_fen": "每人每年合计上限"},
        "care_occasions": {"name": "慰问类别", "is_must_visit": "必访", "standard_fen": "标准金额", "cap_fen": "单次上限",
                           "cap_group_id": "合计上限", "once_per_year_same_illness": "同一疾病每年限一次",
                           "needs_illness": "须填疾病", "allowed_forms": "允许的发放形式"},
        "campaigns": {"name": "批次名称", "campaign_date": "慰问日期", "occasion_id": "慰问类别", "fund_source": "经费来源",
                      "payment_form": "发放形式", "default_cash_fen": "每人慰问金", "default_goods": "慰问品",
                      "default_goods_value_fen": "慰问品价值", "criteria": "名单条件", "recorded_at": "发放登记时间"},
        "campaign_recipients": {"campaign_id": "批量慰问", "cash_fen": "慰问金", "goods_desc": "慰问品",
                                "goods_value_fen": "慰问品价值"},
        "visits": {**VISIT_FIELD_LABELS, "campaign_id": "批量慰问"},
        "value_lists": {"list_key": "选项表", "value": "选项"},
        "hardship_files": {**FILE_FIELD_LABELS, "previous_file_id": "上一期档案"},
        "hardship_family_members": {**FAMILY_FIELD_LABELS, "file_id": "困难职工档案"},
        "hardship_reviews": {"file_id": "困难职工档案", "review_date": FILE_FIELD_LABELS["review_date"],
                             "result": FILE_FIELD_LABELS["result"], "reviewer": FILE_FIELD_LABELS["reviewer"]},
        "aid_payments": {**AID_FIELD_LABELS, "stage": "阶段", "member_id": "户主（会员）"},
        "events": dict(EVENT_FIELD_LABELS),
        "event_items": {"event_id": "活动", "name": "项目名称", "team_item": "团体项目"},
        "event_teams": {"event_id": "活动", "name": "队名", "sub_unit_id": "所属部门", "captain_member_id": "队长"},
        "event_team_members": {"team_id": "队伍"},
        "event_participants": {**EVENT_FIELD_LABELS, "event_id": "活动", "source": "报名方式"},
        "event_results": {**EVENT_FIELD_LABELS, "event_id": "活动"},
        "honours": dict(HONOUR_FIELD_LABELS),
        "congress_terms": {**congress, "number": "届次"},
        "congress_sessions": {**congress, "number": "会议次数"},
        "congress_delegations": {**congress, "name": "代表团名称", "term_id": "届次"},
        "congress_delegates": {**congress},
        "proposals": {**proposal, "seq": "流水号", "review": "审查结果"},
        "proposal_cosigners": {"proposal_id": "提案", "member_id": "附议人"},
        "proposal_handlings": {**proposal, "proposal_id": "提案", "round": "轮次"},
        "report_drafts": {"title": "标题", "kind": "类型", "date_from": "开始日期", "date_to": "结束日期",
                          "request_json": "生成选项", "document_json": "正文"},
        "app_settings": {"auto_lock_minutes": "无操作自动锁定（分钟，0为不锁定）"},
        "form_mappings": {"name": "名称", "source": "数据来源", "params_json": "参数", "sheet_name": "工作表",
                          "header_row": "表头所在行", "headers_json": "表头", "columns_json": "列的对应"},
    }


_LABELS: dict[str, dict[str, str]] | None = None


def field_label(table: str, column: str) -> str:
    """The column's Chinese label in ``table`` (the column's own name when none is known)."""
    global _LABELS
    if _LABELS is None:
        _LABELS = _field_labels()
    return _LABELS.get(table, {}).get(column) or COMMON_LABELS.get(column) or column


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


# --- values --------------------------------------------------------------------------------------------------------
BOOL_COLUMNS = {"is_migrant_worker", "leader_went", "signed", "is_must_visit", "once_per_year_same_illness",
                "needs_illness", "single_parent", "zero_employment", "team_item", "promoted"}
TIMESTAMP_COLUMNS = {"voided_at", "recorded_at", "created_at", "updated_at"}
LONG_COLUMNS = {"criteria", "params_json", "headers_json", "columns_json", "request_json", "document_json"}
MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_account}
# column -> the table its id points to (per table where the same name means something else)
REFERENCES = {
    "member_id": "members", "proposer_member_id": "members", "captain_member_id": "members",
    "sub_unit_id": "sub_units", "occasion_id": "care_occasions", "campaign_id": "campaigns",
    "cap_group_id": "care_cap_groups", "file_id": "hardship_files", "previous_file_id": "hardship_files",
    "student_family_member_id": "hardship_family_members", "event_id": "events", "item_id": "event_items",
    "team_id": "event_teams", "participant_id": "event_participants", "term_id": "congress_terms",
    "session_id": "congress_sessions", "delegation_id": "congress_delegations", "proposal_id": "proposals",
    "merged_into_id": "proposals", "split_from_id": "proposals",
}
TABLE_REFERENCES = {("sub_units", "parent_id"): "sub_units"}
# How another record is named when a field points to it (short; the list shows its description elsewhere).
_NAME_SQL = {
    "members": "SELECT id, name FROM members",
    "sub_units": "SELECT id, name FROM sub_units",
    "care_occasions": "SELECT id, name FROM care_occasions",
    "care_cap_groups": "SELECT id, name FROM care_cap_groups",
    "campaigns": "SELECT id, name FROM campaigns",
    "hardship_files": "SELECT f.id, m.name || '的档案（' || f.opened_on || ' 建档）' FROM hardship_files f "
                      "JOIN members m ON m.id = f.member_id",
    "hardship_family_members": "SELECT id, name FROM hardship_family_members",
    "events": "SELECT id, name FROM events",
    "event_items": "SELECT id, name FROM event_items",
    "event_teams": "SELECT id, name FROM event_teams",
    "event_participants": "SELECT p.id, coalesce(m.name, t.name) FROM event_participants p "
                          "LEFT JOIN members m ON m.id = p.member_id LEFT JOIN event_teams t ON t.id = p.team_id",
    "congress_terms": "SELECT id, '第' || number || '届' FROM congress_terms",
    "congress_sessions": "SELECT s.id, '第' || t.number || '届第' || s.number || '次会议' FROM congress_sessions s "
                         "JOIN congress_terms t ON t.id = s.term_id",
    "congress_delegations": "SELECT id, name FROM congress_delegations",
    "proposals": "SELECT id, number FROM proposals",
}
_ID_ALIAS = {"hardship_files": "f", "event_participants": "p", "congress_sessions": "s"}


class Names:
    """Resolves ids of other records to their names, one query per table and batch, remembered."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self._known: dict[str, dict[int, str]] = {}

    def load(self, table: str, ids) -> None:
        sql = _NAME_SQL.get(table)
        known = self._known.setdefault(table, {})
        wanted = sorted({int(i) for i in ids if i is not None and str(i).lstrip("-").isdigit()} - set(known))
        if sql is None or not wanted:
            return
        column = f"{_ID_ALIAS[table]}.id" if table in _ID_ALIAS else "id"
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for row_id, name in self.db.execute(f"{sql} WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk):
                known[row_id] = name or ""

    def name(self, table: str, record_id) -> str:
        if record_id is None:
            return ""
        self.load(table, [record_id])
        return self._known.get(table, {}).get(int(record_id)) or f"编号 {record_id}"


def reference_table(table: str, column: str) -> str | None:
    return TABLE_REFERENCES.get((table, column)) or REFERENCES.get(column)


def format_value(table: str, column: str, value: Any, *, names: Names | None = None, full_numbers: bool = False) -> str:
    """One stored value as a person reads it: money in 元, 是/否, a date, a name instead of an id, a masked
    ID/phone/bank number (unless ``full_numbers``)."""
    if value is None or value == "":
        return EMPTY
    if column in LONG_COLUMNS:
        return OMITTED
    if column == "co_departments":
        try:
            departments = json.loads(value) if isinstance(value, str) else value
            return "、".join(departments) or EMPTY
        except (ValueError, TypeError):
            return str(value)
    if column.endswith("_fen") and isinstance(value, (int, float)):
        return f"{yuan_text(int(value))}元"
    if column in BOOL_COLUMNS and value in (0, 1):
        return "是" if value else "否"
    if column in TIMESTAMP_COLUMNS and isinstance(value, str):
        return value.replace("T", " ")[:16]
    if column == "female_retirement_age":
        return f"{value}岁"
    if column in MASKERS and not full_numbers:
        return MASKERS[column](str(value))
    target = reference_table(table, column)
    if target is not None:
        return names.name(target, value) if names is not None else f"编号 {value}"
    if column == "list_key":
        from gonghui_desk.value_lists import LIST_LABELS

        return LIST_LABELS.get(value, str(value))
    if table == "report_drafts" and column == "kind":
        from gonghui_desk.reports.model import REPORT_KINDS

        return REPORT_KINDS.get(value, str(value))
    return str(value)


# --- entries -------------------------------------------------------------------------------------------------------
SKIPPED = {"id"}  # never worth a line
QUIET_ON_INSERT = {"voided_at", "void_reason", "sort_order", "rule_warnings", "override_reason"}


@dataclass(frozen=True)
class FieldChange:
    column: str
    label: str
    old: str  # formatted; EMPTY for nothing
    new: str

    def text(self, *, limit: int | None = None) -> str:
        return f"{self.label}：{_cut(self.old, limit)} → {_cut(self.new, limit)}"


def _cut(text: str, limit: int | None) -> str:
    text = " ".join(str(text).split())
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class ChangeEntry:
    id: int
    changed_at: str  # as stored: 2026-01-20T10:05:03
    table: str
    record_id: str
    action: str
    description: str = ""  # the record in one line ("张三 男 1985-03-07 语文组 在册")
    changes: tuple[FieldChange, ...] = ()  # update/status: what changed; insert/delete: the fields set
    reason: str = ""  # void: the reason; restore: the reason it had been voided for
    note: str = ""  # what an 'unmask' or 'password' row says, in words

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def table_label(self) -> str:
        return table_label(self.table)

    @property
    def time_text(self) -> str:
        """2026-01-20 10:05:03"""
        return (self.changed_at or "").replace("T", " ")

    def summary(self, *, limit: int | None = 60) -> str:
        """The change in one line ("手机号：138****0000 → 139****1111；备注：（空） → 已调岗"); ``limit``
        shortens each long value."""
        if self.note:
            return self.note
        if self.action in ("insert", "delete"):
            parts = [f"{c.label}：{_cut(c.new if self.action == 'insert' else c.old, limit)}" for c in self.changes]
            return "；".join(parts)
        parts = [c.text(limit=limit) for c in self.changes]
        if self.action == "void":
            parts.insert(0, f"作废原因：{_cut(self.reason, limit)}" if self.reason else "作废")
        elif self.action == "restore":
            parts.insert(0, f"恢复（原作废原因：{_cut(self.reason, limit)}）" if self.reason else "恢复")
        return "；".join(parts)


def _changes(table: str, action: str, old: dict, new: dict, names: Names,
             full_numbers: bool) -> tuple[FieldChange, ...]:
    result = []
    if action in ("insert", "delete"):
        values = new if action == "insert" else old
        for column, value in values.items():
            if column in SKIPPED or column in QUIET_ON_INSERT or value in (None, ""):
                continue
            if (column in BOOL_COLUMNS or column.endswith("_fen")) and value == 0:
                continue
            text = format_value(table, column, value, names=names, full_numbers=full_numbers)
            if text == EMPTY:
                continue
            result.append(FieldChange(column, field_label(table, column),
                                      EMPTY if action == "insert" else text, text if action == "insert" else EMPTY))
        return tuple(result)
    for column in [*new, *(c for c in old if c not in new)]:
        if column in SKIPPED or old.get(column) == new.get(column):
            continue
        if action in ("void", "restore") and column in ("voided_at", "void_reason"):
            continue
        result.append(FieldChange(
            column, field_label(table, column),
            format_value(table, column, old.get(column), names=names, full_numbers=full_numbers),
            format_value(table, column, new.get(column), names=names, full_numbers=full_numbers)))
    return tuple(result)


def _preload(names: Names, raw: list[tuple[str, str, dict, dict]]) -> None:
    """Load the names every entry of a page points to, one query per table."""
    wanted: dict[str, set] = {}
    for table, _, old, new in raw:
        for values in (old, new):
            for column, value in values.items():
                target = reference_table(table, column)
                if target is not None and value is not None:
                    wanted.setdefault(target, set()).add(value)
    for target, ids in wanted.items():
        names.load(target, ids)


def _descriptions(db: sqlite_utils.Database, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    from gonghui_desk.recycle_bin import describe_records

    by_table: dict[str, list] = {}
    result: dict[tuple[str, str], str] = {}
    for table, record_id in keys:
        if str(record_id).lstrip("-").isdigit():
            by_table.setdefault(table, []).append(int(record_id))
        elif table == "app_settings":
            result[(table, record_id)] = _SETTING_DESCRIPTIONS.get(record_id, record_id)
    for table, ids in by_table.items():
        found = describe_records(db, table, ids)
        if not found and table in _FALLBACK_DESCRIPTIONS:
            found = _fallback_descriptions(db, table, ids)
        for record_id, text in found.items():
            result[(table, str(record_id))] = text
    return result


# Records that are not in the recycle bin, described by what they belong to.
_FALLBACK_DESCRIPTIONS = {
    "member_status_changes": "SELECT s.id, m.name || ' ' || coalesce(s.old_status || ' → ', '') || s.new_status "
                             "FROM member_status_changes s JOIN members m ON m.id = s.member_id",
    "campaign_recipients": "SELECT r.id, c.name || ' · ' || m.name FROM campaign_recipients r "
                           "JOIN campaigns c ON c.id = r.campaign_id JOIN members m ON m.id = r.member_id",
    "hardship_family_members": "SELECT fm.id, m.name || '的家庭成员 ' || fm.name FROM hardship_family_members fm "
                               "JOIN hardship_files f ON f.id = fm.file_id JOIN members m ON m.id = f.member_id",
    "event_team_members": "SELECT tm.id, t.name || ' · ' || m.name FROM event_team_members tm "
                          "JOIN event_teams t ON t.id = tm.team_id JOIN members m ON m.id = tm.member_id",
    "proposal_cosigners": "SELECT c.id, p.number || ' 附议人 ' || m.name FROM proposal_cosigners c "
                          "JOIN proposals p ON p.id = c.proposal_id JOIN members m ON m.id = c.member_id",
    "care_cap_groups": "SELECT g.id, g.name FROM care_cap_groups g",
    "staff_counts": "SELECT s.year, s.year || '年职工人数' FROM staff_counts s",
    "union_profile": "SELECT u.id, u.name FROM union_profile u",
}
_SETTING_DESCRIPTIONS = {"auto_lock_minutes": "无操作自动锁定", "password": "打开程序的密码"}


def _fallback_descriptions(db: sqlite_utils.Database, table: str, ids: list[int]) -> dict[int, str]:
    sql = _FALLBACK_DESCRIPTIONS[table]
    alias = sql.split(" FROM ", 1)[1].split()[1]
    column = f"{alias}.{'year' if table == 'staff_counts' else 'id'}"
    result = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row_id, text in db.execute(f"{sql} WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk):
            result[row_id] = text or ""
    return result


def _entries(db: sqlite_utils.Database, rows: Sequence[tuple], *, full_numbers: bool,
             names: Names | None = None) -> list[ChangeEntry]:
    """ChangeEntry of each (id, changed_at, table, record_id, action, old JSON, new JSON) row."""
    names = names or Names(db)
    decoded = [(r, json.loads(r[5]) if r[5] else {}, json.loads(r[6]) if r[6] else {}) for r in rows]
    _preload(names, [(r[2], r[3], old, new) for r, old, new in decoded])
    descriptions = _descriptions(db, {(r[2], str(r[3])) for r, _, _ in decoded})
    entries = []
    for r, old, new in decoded:
        table, action = r[2], r[4]
        reason = ""
        if action == "void":
            reason = new.get("void_reason") or ""
        elif action == "restore":
            reason = old.get("void_reason") or ""
        if action in NOTE_ACTIONS:
            description, note = _note(table, str(r[3]), action, new)
            entries.append(ChangeEntry(r[0], r[1], table, str(r[3]), action, description, (), "", note))
            continue
        entries.append(ChangeEntry(r[0], r[1], table, str(r[3]), action, descriptions.get((table, str(r[3])), ""),
                                   _changes(table, action, old, new, names, full_numbers), reason))
    return entries


def _note(table: str, record_id: str, action: str, new: dict) -> tuple[str, str]:
    """(description, note) of a row the privacy module wrote."""
    if action == "password":
        return "打开程序的密码", str(new.get("text") or "修改了打开程序的密码")
    fields = "、".join(new.get("fields") or []) or "号码"
    note = f"{new.get('output') or '输出'}：显示了完整的{fields}"
    if new.get("count") is not None:
        note += f"（{new['count']} 条记录）"
    if new.get("file"):
        note += f"；文件：{new['file']}"
    return str(new.get("output") or table_label(table)), note


def record_history(db: sqlite_utils.Database, table: str, record_id, *,
                   full_numbers: bool = False) -> list[ChangeEntry]:
    """Every change of one record, the newest first."""
    raw = entries_for(db.conn, table, str(record_id))
    rows = [(e["id"], e["changed_at"], table, str(record_id), e["action"],
             json.dumps(e["old"], ensure_ascii=False) if e["old"] else None,
             json.dumps(e["new"], ensure_ascii=False) if e["new"] else None) for e in reversed(raw)]
    return _entries(db, rows, full_numbers=full_numbers)


# --- the whole log --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogFilter:
    date_from: str | None = None  # ISO dates, both inclusive
    date_to: str | None = None
    tables: tuple[str, ...] = ()  # none: every table
    action: str | None = None  # a key of ACTION_LABELS
    search: str = ""  # in the old and new values; a member's name also finds the records that point to them
    record: tuple[str, str] | None = None  # (table, record id): one record only

    def describe(self) -> str:
        """The filter in words, for an export's subtitle."""
        if self.date_from and self.date_to:
            period = f"{self.date_from} 至 {self.date_to}"
        elif self.date_from or self.date_to:
            period = f"{self.date_from} 起" if self.date_from else f"至 {self.date_to}"
        else:
            period = "全部时间"
        parts = [f"时间：{period}"]
        if self.tables:
            parts.append(f"种类：{'、'.join(table_label(t) for t in self.tables)}")
        if self.action:
            parts.append(f"操作：{ACTION_LABELS.get(self.action, self.action)}")
        if self.search.strip():
            parts.append(f"关键词：{self.search.strip()}")
        return "；".join(parts)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(f: LogFilter) -> tuple[str, list]:
    clauses, params = [], []
    if f.record is not None:
        clauses.append("table_name = ? AND record_id = ?")
        params += [f.record[0], str(f.record[1])]
    if f.date_from:
        clauses.append("changed_at >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append("changed_at < ?")
        params.append((dt.date.fromisoformat(f.date_to) + dt.timedelta(days=1)).isoformat())
    if f.tables:
        clauses.append(f"table_name IN ({', '.join('?' * len(f.tables))})")
        params += list(f.tables)
    if f.action:
        clauses.append("action = ?")
        params.append(f.action)
    for word in f.search.split():
        # the values as stored (as JSON text: a quote or a backslash escaped), or a record pointing to a member so named
        escaped = json.dumps(word, ensure_ascii=False)[1:-1]
        clauses.append("(new_values LIKE ? ESCAPE '\\' OR old_values LIKE ? ESCAPE '\\' OR "
                       "coalesce(json_extract(new_values, '$.member_id'), json_extract(old_values, '$.member_id')) "
                       "IN (SELECT id FROM members WHERE name LIKE ? ESCAPE '\\'))")
        params += [_like(escaped), _like(escaped), _like(word)]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_COLUMNS_SQL = "SELECT id, changed_at, table_name, record_id, action, old_values, new_values FROM change_log"


def log_page(db: sqlite_utils.Database, f: LogFilter = LogFilter(), *, before_id: int | None = None,
             limit: int = PAGE_SIZE, full_numbers: bool = False, names: Names | None = None) -> list[ChangeEntry]:
    """Up to ``limit`` entries matching ``f``, the newest first, older than ``before_id`` when given (the next
    page starts before the last entry of this one)."""
    where, params = _where(f)
    if before_id is not None:
        where += (" AND " if where else " WHERE ") + "id < ?"
        params.append(int(before_id))
    rows = db.execute(f"{_COLUMNS_SQL}{where} ORDER BY id DESC LIMIT ?", [*params, int(limit)]).fetchall()
    return _entries(db, rows, full_numbers=full_numbers, names=names)


def count_log(db: sqlite_utils.Database, f: LogFilter = LogFilter()) -> int:
    where, params = _where(f)
    return db.execute(f"SELECT count(*) FROM change_log{where}", params).fetchone()[0]


def iter_log(db: sqlite_utils.Database, f: LogFilter = LogFilter(), *, full_numbers: bool = False,
             batch: int = 1000, is_cancelled: IsCancelled | None = None) -> Iterator[ChangeEntry]:
    """Every entry matching ``f``, the newest first, read ``batch`` at a time."""
    names = Names(db)
    before = None
    while True:
        check_cancel(is_cancelled)
        page = log_page(db, f, before_id=before, limit=batch, full_numbers=full_numbers, names=names)
        yield from page
        if len(page) < batch:
            return
        before = page[-1].id


def logged_tables(db: sqlite_utils.Database) -> list[str]:
    """The audited tables, in the order of :data:`TABLE_LABELS` (those the app knows first)."""
    from gonghui_desk.db.changelog import audited_tables

    present = set(audited_tables(db.conn))
    known = [t for t in TABLE_LABELS if t in present]
    return known + sorted(present - set(known))


__all__ = ["ACTION_LABELS", "EMPTY", "NOTE_ACTIONS", "TABLE_LABELS", "ChangeEntry", "FieldChange", "LogFilter", "Names",
           "count_log", "field_label", "format_value", "iter_log", "log_page", "logged_tables", "record_history",
           "table_label"]
