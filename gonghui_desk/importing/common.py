"""What every spreadsheet importer shares (members, care visits, …).

An importer works in the same three steps, so one wizard and one command line drive them all:

1. ``open_source(path)`` reads the file into an :class:`ImportSource`: the table, its header
   row and the automatic column mapping (:func:`read_source` with the importer's synonyms);
2. ``plan_import(db, source, mapping)`` checks every data row (:func:`data_rows`) and returns a
   plan (:class:`ImportPlanBase`) whose rows each have an action and a list of
   :class:`RowProblem`. It only reads the database;
3. ``commit_import(db, plan, skip_invalid=…)`` writes the plan in one transaction: all rows or
   nothing (:class:`ImportBlocked`), unless the user chose to skip the invalid rows.

Importers of records about members (visits, hardship files, aid…) find each row's member with
:class:`MemberMatcher`. :func:`run_import_command` is the command-line front of any importer.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar, Iterable, Iterator, Mapping, TextIO

import sqlite_utils
from openpyxl.utils import get_column_letter

from gonghui_desk.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from gonghui_desk.db.connection import open_database
from gonghui_desk.errors import UserError
from gonghui_desk.importing.headers import Synonyms, auto_map, detect_header_row, normalize_header, read_header
from gonghui_desk.importing.spreadsheet import (
    FormulaWithoutValue,
    RawTable,
    cell_text,
    is_blank,
    read_table,
    unusable_cell_message,
)
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.members import normalize_member
from gonghui_desk.union import split_path, sub_unit_paths

PROGRESS_INTERVAL = 200
# Lines under the table: 制表人、审核人、合计、说明…
FOOTER_PREFIXES = ("制表", "填表", "填报", "审核", "负责人", "合计", "小计", "总计", "说明", "注：", "注:",
                   "备注：", "备注:", "日期：", "日期:")

# What ledgers write in a 签收 column
SIGNED_TEXTS = {
    **dict.fromkeys(("是", "已签", "已签收", "签收", "已领", "已领取", "√", "✓", "1", "y", "yes", "true"), True),
    **dict.fromkeys(("否", "未签", "未签收", "未领", "未领取", "×", "0", "n", "no", "false"), False),
}


@dataclass
class RowProblem:
    row_number: int
    field: str
    label: str
    message: str
    severity: str = "error"  # "warning" is shown but does not block the row

    @property
    def text(self) -> str:
        return f"第{self.row_number}行 {self.label}：{self.message}"


@dataclass
class ImportSource:
    table: RawTable
    header_index: int  # index into table.rows of the header row (the lower row of a two-level header)
    headers: list[str]
    mapping: dict[int, str]  # the automatic column -> field mapping

    @property
    def header_row_number(self) -> int:
        return self.table.row_number(self.header_index)


def read_source(path, synonyms: Synonyms, *, sheet: str | None = None,
                is_cancelled: IsCancelled | None = None) -> ImportSource:
    """Read the file, find its header row (under titles and unit/date lines) and map the columns."""
    table = read_table(path, sheet=sheet, is_cancelled=is_cancelled)
    header_index, headers = read_header(table.rows, detect_header_row(table.rows, synonyms), synonyms)
    return ImportSource(table, header_index, headers, auto_map(headers, synonyms))


@dataclass
class ImportPlanBase:
    """A checked file: one planned row per data row, each with ``row_number``, ``action`` (one of
    ``ACTIONS``, "invalid" among them), ``name``, ``sub_unit_path`` and ``problems``."""

    ACTIONS: ClassVar[tuple[str, ...]] = ()

    source: ImportSource
    mapping: dict[int, str]
    rows: list

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def problems(self) -> list[RowProblem]:
        return [p for row in self.rows for p in row.problems]


class ImportBlocked(UserError):
    """Some rows are invalid and the user did not choose to skip them; nothing was written."""


def check_mapping(mapping: Mapping[int, str], headers: list[str], fields: Mapping[str, str], *,
                  form_name: str, required: tuple[str, ...] = ("name",)) -> None:
    """Refuse a column mapping that names an unknown field, a missing column, a field twice,
    or leaves out a required field. ``form_name`` is what the file is ("会员名册")."""
    for column, key in mapping.items():
        if key not in fields:
            raise UserError(f"列对应有误：“{key}”不是{form_name}的字段。")
        if not 0 <= column < len(headers):
            raise UserError(f"列对应有误：文件中没有第 {column + 1} 列。")
    keys = list(mapping.values())
    for key in set(keys):
        if keys.count(key) > 1:
            raise UserError(f"列对应有误：有 {keys.count(key)} 列都对应到了“{fields[key]}”，每项只能对应一列。")
    for key in required:
        if key not in keys:
            raise UserError(f"列对应中缺少“{fields[key]}”：请指定哪一列是{fields[key]}。")


def signed_flag(raw: dict, add) -> bool:
    """The 签收 cell of a row as True/False; an unreadable one is reported through ``add(field, message)``."""
    text = cell_text(raw.get("signed")).lower()
    if text in SIGNED_TEXTS or not text:
        return SIGNED_TEXTS.get(text, False)
    add("signed", f"“{cell_text(raw.get('signed'))}”应填“已签收”或“未签收”（也可填“是”“否”）")
    return False


def is_footer(cells: list) -> bool:
    first = next((cell_text(c) for c in cells if not is_blank(c)), "")
    return first.startswith(FOOTER_PREFIXES)


def data_rows(source: ImportSource, mapping: Mapping[int, str], synonyms: Synonyms, *,
              progress: Progress | None = None,
              is_cancelled: IsCancelled | None = None) -> Iterator[tuple[int, dict]]:
    """(file row number, {field: cell value}) for each data row below the header, reporting
    progress and checking for a cancel as it goes. Blank lines, 制表人/合计 lines and the header
    repeated on a printed page (its "name" cell is a name header) are passed over."""
    progress = progress or no_progress
    name_headers = {normalize_header(text) for text in synonyms["name"]}
    table = source.table
    first_data = source.header_index + 1
    total = len(table.rows) - first_data
    merged = merged_data_cells(source)
    columns = list(mapping.items())
    for offset, cells in enumerate(table.rows[first_data:]):
        if offset % PROGRESS_INTERVAL == 0:
            check_cancel(is_cancelled)
            progress(offset, total, f"正在检查第 {offset + 1}/{total} 行…")
        index = first_data + offset
        raw = {}
        for column, key in columns:  # is_blank written out: this runs for every cell
            value = cells[column]
            if value is None or (isinstance(value, str) and not value.strip()):
                value = merged.get((index, column)) if merged else None
                if is_blank(value):
                    continue
            raw[key] = value
        if not raw or is_footer(cells) or normalize_header(raw.get("name")) in name_headers:
            continue
        yield table.row_number(first_data + offset), raw
    progress(total, total, "检查完成")


def merged_data_cells(source: ImportSource) -> dict[tuple[int, int], object]:
    """(row index, column) -> value for the cells under a data cell merged over several rows (a 部门
    or a 日期 written once for a group of rows): each row reads what the merged cell shows."""
    table = source.table
    filled: dict[tuple[int, int], object] = {}
    for top, bottom, left, _right in table.merged:
        first = top - table.first_row_number
        if bottom <= top or not source.header_index < first < len(table.rows) or left >= len(table.rows[first]):
            continue
        value = table.rows[first][left]
        if not is_blank(value):
            for index in range(first + 1, min(bottom - table.first_row_number + 1, len(table.rows))):
                filled[(index, left)] = value
    return filled


def unreadable_cells(raw: dict) -> list[tuple[str, str]]:
    """(field, message) for each cell of a row that holds no value to import: an error value (#N/A,
    #DIV/0!, #REF!…) or a formula whose result the file does not hold. They are taken out of ``raw``,
    so no importer reads "#N/A" as a name or a formula as an empty cell; the importer reports them."""
    found = []
    for key in [key for key, value in raw.items() if isinstance(value, str) and (
            "#" in value or isinstance(value, FormulaWithoutValue))]:  # every error value starts with "#"
        message = unusable_cell_message(raw[key])
        if message:
            found.append((key, message))
            del raw[key]
    return found


# --- matching rows to members ------------------------------------------------------------------------
_CHINESE_NAME = re.compile(r"[\u4e00-\u9fff·•\s]+")


def person_name(value) -> str:
    """A name as ledgers write it; the spaces that pad two-character Chinese names are dropped."""
    text = cell_text(value)
    return re.sub(r"\s+", "", text) if _CHINESE_NAME.fullmatch(text) else text


def plain_text(value) -> str:
    """A cell's text as a list value is looked up: white space dropped, full-width ／（） made ASCII."""
    text = re.sub(r"\s+", "", cell_text(value)).replace("／", "/")
    return text.replace("（", "(").replace("）", ")")


IMPORT_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def import_cache(conn: sqlite3.Connection, kib: int = IMPORT_CACHE_KIB):
    """A larger SQLite page cache while an import writes its rows (the connection's own size is put
    back after). Thousands of rows inserted into a large roster touch most pages of every index; with
    the default 2 MB cache they are spilled to the WAL and read back again and again."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


def live_members_among(db: sqlite_utils.Database, column: str, values: Iterable, *,
                       columns: str = "*") -> list[dict]:
    """The live members whose ``column`` is one of ``values``, in id order: one query however many
    values there are (they go in as one JSON array), so an import of 10,000 rows reads only the
    members it may be, never the whole roster, and never one query per row."""
    wanted = list(dict.fromkeys(value for value in values if value is not None))
    if not wanted:
        return []
    cursor = db.execute(f"SELECT {columns} FROM members WHERE voided_at IS NULL AND {column} IN "
                        "(SELECT value FROM json_each(?)) ORDER BY id", [json.dumps(wanted, ensure_ascii=False)])
    keys = [description[0] for description in cursor.description]
    return [dict(zip(keys, row)) for row in cursor]


class MemberMatcher:
    """Every live member, loaded once, found by ID number or by name and sub-unit.

    ``record`` names what the importer imports ("慰问记录"), for the message about a name
    the roster does not have."""

    def __init__(self, db: sqlite_utils.Database, *, record: str = "记录"):
        self.record = record
        self.paths = sub_unit_paths(db)
        self.by_id_number: dict[str, dict] = {}
        self.by_name: dict[str, list[dict]] = {}
        for member in db.query("SELECT id, name, id_number, sub_unit_id, status FROM members "
                               "WHERE voided_at IS NULL ORDER BY id"):
            if member["id_number"]:
                self.by_id_number[member["id_number"]] = member
            self.by_name.setdefault(member["name"], []).append(member)

    def path_of(self, member: dict) -> str:
        return self.paths.get(member["sub_unit_id"], "")

    def find(self, name: str, id_raw, unit_text: str, add) -> dict | None:
        """The member a row means, or None after reporting why through ``add(field, message)``
        (fields "id_number", "name" and "sub_unit"; a different sub-unit of a unique name is
        a warning, ``add(field, message, "warning")``)."""
        if id_raw is not None:
            checked = normalize_member({"id_number": id_raw})
            if checked.errors:
                add("id_number", checked.errors[0].message)
                return None
            number = checked.values["id_number"]
            member = self.by_id_number.get(number)
            if member is None:
                add("id_number", f"没有身份证号为 {number} 的会员，请先在会员名册中录入")
                return None
            if name and member["name"] != name:
                add("name", f"身份证号 {number} 是会员“{member['name']}”的，与姓名“{name}”不一致，请核对")
                return None
            return member
        namesakes = self.by_name.get(name, [])
        if not namesakes:
            add("name", f"会员名册中没有名为“{name}”的会员（已作废的会员不能导入{self.record}）")
            return None
        wanted = split_path(unit_text)
        in_unit = [m for m in namesakes if wanted and unit_within(split_path(self.path_of(m)), wanted)]
        if len(in_unit) == 1:
            return in_unit[0]
        if len(namesakes) == 1 and not in_unit:
            member = namesakes[0]
            if wanted:
                add("sub_unit", f"会员“{name}”在名册中的部门是“{self.path_of(member) or '未分配'}”，"
                                f"与“{unit_text}”不同，已按姓名对应", "warning")
            return member
        candidates = in_unit or namesakes
        where = f"在“{unit_text}”" if in_unit else ""
        add("name", f"{where}有{len(candidates)}名会员叫{name}，请补充身份证号或部门")
        return None


def unit_within(path: list[str], wanted: list[str]) -> bool:
    """Whether ``wanted`` ("一车间", "一车间/甲班", "甲班") names the sub-unit ``path`` or one above it."""
    size = len(wanted)
    return any(path[start:start + size] == wanted for start in range(len(path) - size + 1))


# --- command line ------------------------------------------------------------------------------------
def run_import_command(db_path, file, *, open_source: Callable[[Path], ImportSource],
                       plan_import: Callable[[sqlite_utils.Database, ImportSource], ImportPlanBase],
                       commit_import: Callable[..., object], print_plan: Callable[[ImportPlanBase, TextIO], None],
                       result_text: Callable[[object], str], dry_run: bool, skip_invalid: bool, out: TextIO) -> int:
    """Check the file, print the plan and its problems, and write it unless ``dry_run``.

    Exit status: 0 written (or a clean dry run); 1 nothing written because rows are invalid;
    2 the file or the database cannot be used (the message goes to stderr).
    """
    try:
        source = open_source(file)
        db = open_database(Path(db_path))
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        plan = plan_import(db, source)
        print_plan(plan, out)
        invalid = plan.counts()["invalid"]
        if dry_run:
            print("试运行：没有写入数据库。", file=out)
            return EXIT_INVALID if invalid else EXIT_OK
        try:
            result = commit_import(db, plan, skip_invalid=skip_invalid)
        except ImportBlocked:
            print(f"有 {invalid} 行数据有问题，没有写入任何数据。请修改文件后重新导入，"
                  "或加上 --skip-invalid 只导入没有问题的行。", file=out)
            return EXIT_INVALID
        print(result_text(result), file=out)
        return EXIT_OK
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.conn.close()


def print_source(plan: ImportPlanBase, fields: Mapping[str, str], out: TextIO) -> None:
    """The file, sheet, header row and column mapping of a plan."""
    source, table = plan.source, plan.source.table
    print(f"文件：{table.path}", file=out)
    print(f"工作表：{table.sheet_name}", file=out)
    if table.note:
        print(f"说明：{table.note}", file=out)
    print(f"表头：第{source.header_row_number}行", file=out)
    print("列对应：", file=out)
    for column, key in plan.mapping.items():
        print(f"  {column_title(source, column)} → {fields[key]}", file=out)
    unused = [column_title(source, c) for c in range(len(source.headers)) if c not in plan.mapping]
    if unused:
        print(f"未使用的列：{'、'.join(unused)}", file=out)


def print_problems(plan: ImportPlanBase, out: TextIO) -> None:
    """The errors, then the warnings, one line each."""
    for severity, title in (("error", "问题："), ("warning", "提示：")):
        problems = [p for p in plan.problems() if p.severity == severity]
        if problems:
            print(title, file=out)
            for problem in problems:
                print(problem.text, file=out)


def column_title(source: ImportSource, column: int) -> str:
    return source.headers[column] or f"（{get_column_letter(column + 1)}列）"
