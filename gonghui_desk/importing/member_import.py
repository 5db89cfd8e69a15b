"""Importing a member roster (会员花名册) from Excel or CSV.

Three steps, shared by the import wizard and the command line (the shapes every importer
shares are in :mod:`gonghui_desk.importing.common`):

1. ``open_source(path)`` reads the file, finds the header row and maps the columns;
2. ``plan_import(db, source, mapping)`` checks every row with the same rules as the member
   form and decides what each row does (new member, update by ID number, unchanged, invalid).
   It only reads the database, so the wizard can re-plan after the user changes the mapping
   or the sub-unit choices;
3. ``commit_import(db, plan)`` writes the plan in one transaction: all rows or nothing
   (unless the user chose to skip the invalid rows).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import TextIO

import sqlite_utils

from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError
from gonghui_desk.importing.common import (
    PROGRESS_INTERVAL,
    ImportBlocked,
    ImportPlanBase,
    ImportSource,
    RowProblem,
    check_mapping,
    data_rows,
    import_cache,
    live_members_among,
    person_name,
    print_problems,
    print_source,
    read_source,
    run_import_command,
    unreadable_cells,
)
from gonghui_desk.importing.headers import MEMBER_IMPORT_FIELDS, MEMBER_SYNONYMS
from gonghui_desk.importing.spreadsheet import cell_text
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.members import FIELD_BY_KEY, MEMBER_FIELDS, STATUSES, MemberStore, normalize_member
from gonghui_desk.union import (
    PATH_SEPARATOR,
    ensure_sub_unit_path,
    find_sub_unit_by_path,
    split_path,
    sub_units,
)

IMPORT_REASON = "导入名册"
MEMBER_VALUE_KEYS = tuple(f.key for f in MEMBER_FIELDS if f.key != "sub_unit_id")
STATUS_ALIASES = {"正常": "在册", "在职": "在册", "在岗": "在册", "离退休": "退休", "已退休": "退休",
                  "调出": "转出", "调离": "转出", "除名": "退会", "死亡": "去世", "已故": "去世", "病故": "去世"}


@dataclass
class PlannedRow:
    row_number: int  # the file's row number (what Excel shows)
    action: str  # "new" | "update" | "unchanged" | "invalid"
    name: str
    values: dict  # the member's column values after the import (MEMBER_VALUE_KEYS)
    sub_unit_path: str  # "一车间/甲班" from the sub_unit and union_group columns, "" if none
    status: str | None  # from the status column, None if absent
    member_id: int | None  # the existing member this row updates
    changes: dict  # field key -> (old, new); "sub_unit" holds paths, "status" the statuses
    problems: list[RowProblem]
    status_date: str | None = None  # ISO date of the status (a changed status defaults to the plan's day)


def open_source(path, *, sheet: str | None = None, is_cancelled: IsCancelled | None = None) -> ImportSource:
    return read_source(path, MEMBER_SYNONYMS, sheet=sheet, is_cancelled=is_cancelled)


@dataclass
class ImportPlan(ImportPlanBase):
    ACTIONS = ("new", "update", "unchanged", "invalid")

    unknown_sub_units: list[str]  # sub-unit paths the database does not know yet
    sub_unit_choices: dict[str, int | None]  # path -> existing sub_units.id, or None = create it
    sub_unit_kinds: dict[str, str] = field(default_factory=dict)  # path -> kind of its last level if created

    def sub_units_to_create(self) -> list[str]:
        return [path for path in self.unknown_sub_units if self.sub_unit_choices.get(path) is None]


# --- planning ------------------------------------------------------------------------------------
def plan_import(db: sqlite_utils.Database, source: ImportSource, mapping: dict[int, str] | None = None, *,
                sub_unit_choices: dict[str, int | None] | None = None, progress: Progress | None = None,
                is_cancelled: IsCancelled | None = None, today: dt.date | None = None) -> ImportPlan:
    """Check every data row and decide what it does. Reads the database, writes nothing.

    The rows are checked first; then the members they may be (by ID number, and by name for the
    duplicate warnings) are read with one query each, so planning costs the same whatever the
    size of the roster already in the database."""
    mapping = dict(sorted((source.mapping if mapping is None else mapping).items()))
    check_mapping(mapping, source.headers, MEMBER_IMPORT_FIELDS, form_name="会员名册")
    planner = _RowPlanner(db, sub_unit_choices or {}, today or dt.date.today())
    checked = [planner.check(row_number, raw) for row_number, raw in
               data_rows(source, mapping, MEMBER_SYNONYMS, progress=progress, is_cancelled=is_cancelled)]
    existing = _Existing(db, [row.number for row in checked if row.number], [row.name for row in checked])
    rows = [planner.decide(row, existing) for row in checked]
    used = {row.sub_unit_path for row in rows if row.action != "invalid"}
    unknown = [path for path in planner.units.unknown if path in used]
    return ImportPlan(source, mapping, rows, unknown,
                      {**dict.fromkeys(unknown), **planner.units.choices}, planner.units.kinds)


class _SubUnits:
    """Resolves sub-unit paths against the database once per distinct path."""

    def __init__(self, db: sqlite_utils.Database, choices: dict[str, int | None]):
        self.db = db
        self.units = sub_units(db)  # read once: finding a path does not read the tree again
        self.paths = {unit.id: unit.path for unit in self.units}  # id -> path of every live sub-unit
        for path, unit_id in choices.items():
            if unit_id is not None and unit_id not in self.paths:
                raise UserError(f"为“{path}”选择的部门/工会小组已不存在，请重新选择。")
        self.choices = dict(choices)
        self.unknown: list[str] = []
        self.kinds: dict[str, str] = {}
        self._found: dict[str, int | None] = {}

    def target(self, path: str, *, is_group: bool) -> int | None:
        """The id the path will map to, or None when the import creates it."""
        if path not in self._found:
            self._found[path] = find_sub_unit_by_path(self.db, path, units=self.units)
            if self._found[path] is None:
                self.unknown.append(path)
        if self._found[path] is None and is_group:
            self.kinds[path] = "工会小组"
        chosen = self.choices.get(path)
        return chosen if chosen is not None else self._found[path]

    def display(self, unit_id: int | None, path: str = "") -> str:
        return self.paths.get(unit_id, path) if unit_id is not None else path


class _Existing:
    """The live members a file's rows may be: those with one of its ID numbers (whole rows, for the
    updates) and those with one of its names (for the duplicate checks), each read with one query."""

    def __init__(self, db: sqlite_utils.Database, numbers: list[str], names: list[str]):
        self.by_id_number: dict[str, dict] = {
            member["id_number"]: member
            for member in live_members_among(db, "id_number", numbers)}
        self.by_name_birth: dict[tuple, list[dict]] = {}
        self.by_name_unit: dict[tuple, list[dict]] = {}
        for member in live_members_among(db, "name", names, columns="id, name, id_number, birth_date, sub_unit_id"):
            if member["birth_date"]:
                self.by_name_birth.setdefault((member["name"], member["birth_date"]), []).append(member)
            if member["sub_unit_id"] is not None:
                self.by_name_unit.setdefault((member["name"], member["sub_unit_id"]), []).append(member)

    def similar(self, name: str, birth_date: str | None, unit_id: int | None,
                *, without_id_only: bool) -> tuple[dict, str] | None:
        """An existing member with the same name and birth date (or sub-unit), and what matched."""
        candidates = [(m, "出生日期") for m in self.by_name_birth.get((name, birth_date), [])]
        candidates += [(m, "部门") for m in self.by_name_unit.get((name, unit_id), [])]
        for member, matched in candidates:
            if not (without_id_only and member["id_number"]):
                return member, matched
        return None


@dataclass
class _CheckedRow:
    """A row checked on its own (and against the rows above it), before it is matched to the roster."""
    row_number: int
    name: str
    values: dict
    number: str | None
    path: str
    unit_id: int | None
    status: str | None
    status_date: str | None
    problems: list[RowProblem]

    def add(self, key: str, message: str, severity: str = "error") -> None:
        self.problems.append(RowProblem(self.row_number, key, MEMBER_IMPORT_FIELDS[key], message, severity))


class _RowPlanner:
    def __init__(self, db: sqlite_utils.Database, sub_unit_choices: dict[str, int | None], today: dt.date):
        self.today = today
        self.units = _SubUnits(db, sub_unit_choices)
        self.blank = _blank_member(db)
        self.first_row_of_id: dict[str, int] = {}
        self.first_row_of_row: dict[tuple, int] = {}  # rows without an ID number, by all their cells

    def check(self, row_number: int, raw: dict) -> _CheckedRow:
        """The checks that need nothing but the row, the rows above it and the sub-unit tree."""
        unreadable = unreadable_cells(raw)
        problems = [RowProblem(row_number, key, MEMBER_IMPORT_FIELDS[key], message) for key, message in unreadable]
        # a name padded with spaces to line up ("张  三") is the name without them, as the other importers read it
        member_raw = {"name": None, **{k: v for k, v in raw.items() if k in FIELD_BY_KEY},
                      **({"name": person_name(raw["name"])} if "name" in raw else {})}
        normalized = normalize_member(member_raw, today=self.today)
        unreadable_keys = {key for key, _message in unreadable}
        problems += [RowProblem(row_number, p.field, p.label, p.message, p.severity) for p in normalized.problems
                     if p.field not in unreadable_keys]  # not "姓名不能为空" after "#N/A"
        values = normalized.values
        path, is_group = _sub_unit_path(raw)
        row = _CheckedRow(row_number, values.get("name") or cell_text(raw.get("name")), values,
                          values.get("id_number"), path,
                          self.units.target(path, is_group=is_group) if path else None, None, None, problems)
        row.status = _status(raw, row.add)
        row.status_date = _status_date(raw, row.add)
        if row.number:
            first = self.first_row_of_id.setdefault(row.number, row_number)
            if first != row_number:
                row.add("id_number", f"身份证号与第{first}行重复，同一个人在文件中只能出现一次")
        elif raw:
            same = tuple(sorted((key, cell_text(value)) for key, value in raw.items()))
            first = self.first_row_of_row.setdefault(same, row_number)
            if first != row_number:
                row.add("name", f"与第{first}行完全相同，同一个人在文件中只能出现一次"
                                "（如果确是同名的两个人，请填写身份证号加以区分）")
        return row

    def decide(self, row: _CheckedRow, existing: _Existing) -> PlannedRow:
        """Match the checked row to the roster: a new member, an update, or unchanged."""
        values, name, path, unit_id, add = row.values, row.name, row.path, row.unit_id, row.add
        status_date = row.status_date
        member = existing.by_id_number.get(row.number) if row.number else None
        changes: dict = {}
        if member is None:
            planned_values = {**self.blank, **values}
            similar = existing.similar(name, values.get("birth_date"), unit_id, without_id_only=bool(row.number))
            if similar:
                other, matched = similar
                add("name", f"可能与已有会员“{other['name']}”（编号 {other['id']}）重复：姓名和{matched}相同，"
                            "将作为新会员导入，请核对", "warning")
        else:
            planned_values = {**{k: member[k] for k in MEMBER_VALUE_KEYS}, **values}
            changes = {k: (member[k], v) for k, v in values.items() if member[k] != v}
            if name and member["name"] != name:
                add("id_number", f"身份证号与已有会员“{member['name']}”相同，但姓名不同；导入后姓名将改为“{name}”，"
                                 "请核对身份证号是否填错", "warning")
            if path and (unit_id is None or unit_id != member["sub_unit_id"]):  # None: created by the import
                changes["sub_unit"] = (self.units.display(member["sub_unit_id"]), self.units.display(unit_id, path))
            if row.status and row.status != member["status"]:
                changes["status"] = (member["status"], row.status)
                status_date = status_date or self.today.isoformat()

        if any(p.severity == "error" for p in row.problems):
            action = "invalid"
        elif member is None:
            action = "new"
        else:
            action = "update" if changes else "unchanged"
        return PlannedRow(row.row_number, action, name, planned_values, path, row.status,
                          member["id"] if member else None, changes, row.problems, status_date)


def _blank_member(db: sqlite_utils.Database) -> dict:
    """The column defaults of a new member, as the database itself would fill them in."""
    defaults = {row[1]: row[4] for row in db.execute("PRAGMA table_info(members)").fetchall()}
    expressions = ", ".join(defaults[key] or "NULL" for key in MEMBER_VALUE_KEYS)
    return dict(zip(MEMBER_VALUE_KEYS, db.execute(f"SELECT {expressions}").fetchone()))


def _sub_unit_path(raw: dict) -> tuple[str, bool]:
    """("一车间/甲班", whether the last level is a 工会小组) from the sub_unit and union_group cells."""
    group = split_path(cell_text(raw.get("union_group")))
    return PATH_SEPARATOR.join(split_path(cell_text(raw.get("sub_unit"))) + group), bool(group)


def _status(raw: dict, add) -> str | None:
    text = cell_text(raw.get("status"))
    status = STATUS_ALIASES.get(text, text)
    if status and status not in STATUSES:
        add("status", f"“{text}”不是有效的会员状态，应为：{'、'.join(STATUSES)}")
        return None
    return status or None


def _status_date(raw: dict, add) -> str | None:
    try:
        day = parse_date(raw.get("status_date"))
    except DateParseError as exc:
        add("status_date", str(exc))
        return None
    return day.isoformat() if day else None


# --- committing ------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    skipped: int
    sub_units_created: int


def commit_import(db: sqlite_utils.Database, plan: ImportPlan, *, skip_invalid: bool = False,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> ImportResult:
    """Write the plan in one transaction; on any error or a cancel nothing is written."""
    counts = plan.counts()
    if counts["invalid"] and not skip_invalid:
        raise ImportBlocked(f"有 {counts['invalid']} 行数据有问题，为保证名册完整，本次没有导入任何数据。"
                            "请修改文件后重新导入，或选择跳过有问题的行。")
    progress = progress or no_progress
    store = MemberStore(db)
    to_write = [row for row in plan.rows if row.action in ("new", "update")]
    total = len(to_write)
    created = updated = 0
    try:
        with import_cache(db.conn), transaction(db) as conn:
            units_before = conn.execute("SELECT count(*) FROM sub_units").fetchone()[0]
            unit_ids = _sub_unit_ids(db, plan, to_write)
            current = _members_by_id(db, [row.member_id for row in to_write if row.action == "update"])
            for done, row in enumerate(to_write):
                if done % PROGRESS_INTERVAL == 0:
                    check_cancel(is_cancelled)
                    progress(done, total, f"正在导入第 {done + 1}/{total} 行…")
                unit_id = unit_ids.get(row.sub_unit_path)
                if row.action == "new":
                    store.insert_clean({**row.values, "sub_unit_id": unit_id}, status=row.status or "在册",
                                       status_date=row.status_date, reason=IMPORT_REASON)
                    created += 1
                elif _apply_update(store, row, current, unit_id):
                    updated += 1
            check_cancel(is_cancelled)
            units_created = conn.execute("SELECT count(*) FROM sub_units").fetchone()[0] - units_before
    except sqlite3.IntegrityError as exc:
        raise UserError("数据库在检查之后被修改过（例如另一处录入了相同身份证号的会员），本次没有导入任何数据。"
                        "请重新检查后再导入。") from exc
    progress(total, total, "导入完成")
    return ImportResult(created=created, updated=updated,
                        unchanged=counts["unchanged"] + counts["update"] - updated,
                        skipped=counts["invalid"], sub_units_created=units_created)


def _members_by_id(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The live members among ``ids`` (only the rows an import updates, never the whole table)."""
    return {member["id"]: member for member in live_members_among(db, "id", ids)}


def _sub_unit_ids(db: sqlite_utils.Database, plan: ImportPlan, rows: list[PlannedRow]) -> dict[str, int]:
    """Path -> sub_units.id for the rows to write, creating the paths the user did not map."""
    ids = {}
    units = sub_units(db)  # read again only after a path was created
    for path in dict.fromkeys(row.sub_unit_path for row in rows if row.sub_unit_path):
        chosen = plan.sub_unit_choices.get(path)
        if chosen is not None:
            ids[path] = chosen
            continue
        found = find_sub_unit_by_path(db, path, units=units)
        if found is None:
            found = ensure_sub_unit_path(db, path, kind=plan.sub_unit_kinds.get(path, "部门"))
            units = sub_units(db)
        ids[path] = found
    return ids


def _apply_update(store: MemberStore, row: PlannedRow, current: dict[int, dict], unit_id: int | None) -> bool:
    member = current.get(row.member_id)
    if member is None:
        raise UserError(f"第{row.row_number}行：会员“{row.name}”在检查之后已被作废，本次没有导入任何数据。"
                        "请重新检查后再导入。")
    values = {key: new for key, (_old, new) in row.changes.items() if key in FIELD_BY_KEY}
    if "sub_unit" in row.changes:
        values["sub_unit_id"] = unit_id
    changed = bool(store.update_clean(row.member_id, values, current=member))
    if "status" in row.changes:
        store.change_status(row.member_id, row.status, row.status_date, IMPORT_REASON, current=member)
        changed = True
    return changed


# --- command line ------------------------------------------------------------------------------------
def members_import_command(db_path, file, *, dry_run: bool, skip_invalid: bool, out: TextIO) -> int:
    """``gonghui-desk members import``: check the file, print the plan and its problems, write it."""
    return run_import_command(db_path, file, open_source=open_source, plan_import=plan_import,
                              commit_import=commit_import, print_plan=_print_plan, result_text=_result_text,
                              dry_run=dry_run, skip_invalid=skip_invalid, out=out)


def _print_plan(plan: ImportPlan, out: TextIO) -> None:
    print_source(plan, MEMBER_IMPORT_FIELDS, out)
    counts = plan.counts()
    print(f"检查结果：新增 {counts['new']} 人，更新 {counts['update']} 人，无变化 {counts['unchanged']} 人，"
          f"有问题 {counts['invalid']} 行。", file=out)
    to_create = plan.sub_units_to_create()
    if to_create:
        print(f"将新建的部门/工会小组：{'、'.join(to_create)}", file=out)
    print_problems(plan, out)


def _result_text(result: ImportResult) -> str:
    return (f"导入完成：新增 {result.created} 人，更新 {result.updated} 人，无变化 {result.unchanged} 人，"
            f"跳过 {result.skipped} 行，新建部门/工会小组 {result.sub_units_created} 个。")
