"""Importing historical honours (荣誉名单 / 先进集体和先进个人名单) from Excel or CSV.

The same three steps as the other importers (:mod:`gonghui_desk.importing.common`), so the same
wizard and command line drive it:

1. ``open_source(path)`` finds the header row under the titles and maps the columns (获得者 /
   姓名 / 获奖单位, 荣誉称号 / 称号, 级别, 授予单位 / 表彰单位, 年度, 日期, 阶段…);
2. ``plan_import(db, source, mapping)`` reads each row:

   - the recipient: a 类型 column (个人, 集体, 本会 and their common spellings) says who it is;
     without one, a name of the roster is a person, 本会 / 我会 / the union's own name is the
     union, a department of the union (or a name like 某某班组, 某某科室) is a collective, and
     anything else is taken as a person (and reported when the roster has nobody of that name).
     Persons are found with :class:`~gonghui_desk.importing.common.MemberMatcher` (ID number,
     or name and 部门); a collective is one of the union's sub-units when its name (or the 部门
     column) names one, else a group by name;
   - the level through its spellings (国家级 → 全国, 省级 → 省部级, 市 → 市级, 县/区/县级 →
     县区级, 系统/行业, 校级/厂级/公司级/院级 → 本单位…); an empty level is worked out from
     the title or the conferring body ("省劳动模范", "某某市总工会") and said in a warning;
   - the year from 年度 (2024, "2024年度"), else from the date; a date cell holding only a year
     is a year, never an Excel serial number;
   - the stage (获评 when empty; 已申报 → 申报, 拟推荐 → 推荐…), the title without its quotes;
   - then the store's own checks (:meth:`HonourStore.normalize`). An honour already recorded
     (the same recipient, title, level and year), or twice in the sheet, is "unchanged";
3. ``commit_import(db, plan)`` saves the new honours in one transaction through
   :class:`HonourStore`, all or nothing (unless the user chose to skip the invalid rows); each
   member's 劳模类型 follows from the honours imported, by the store's rule.

An exported 荣誉名单 (:mod:`gonghui_desk.exporting.honours`) imports back as all unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TextIO

import sqlite_utils

from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError
from gonghui_desk.honours.store import (AWARDED, FIRST_YEAR, HONOUR_FIELD_LABELS, LEVELS, RECIPIENT_KINDS, STAGES,
                                        UNION_SELF, HonourInput, HonourStore)
from gonghui_desk.importing.common import (
    PROGRESS_INTERVAL,
    ImportBlocked,
    ImportPlanBase,
    ImportSource,
    MemberMatcher,
    RowProblem,
    check_mapping,
    data_rows,
    person_name,
    plain_text,
    print_problems,
    print_source,
    read_source,
    run_import_command,
    unreadable_cells,
)
from gonghui_desk.importing.headers import build_synonyms
from gonghui_desk.importing.spreadsheet import cell_text
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.union import load_profile, split_path, sub_units

HONOUR_IMPORT_FIELDS: dict[str, str] = {
    "name": "获得者", "id_number": "身份证号", "sub_unit": "部门", "recipient_kind": "类型", "title": "荣誉称号",
    "level": "级别", "conferred_by": "授予单位", "year": "年度", "conferred_on": "日期", "stage": "阶段",
    "notes": "备注",
}
REQUIRED_COLUMNS = ("name", "title")

HONOUR_SYNONYMS: dict[str, tuple[str, ...]] = build_synonyms(HONOUR_IMPORT_FIELDS, {
    "name": ("获得者", "姓名", "获得者姓名", "获奖者", "获奖人", "获奖人员", "获奖个人", "获奖集体", "获奖单位",
             "获得者（个人/集体）", "个人/集体名称", "受表彰对象", "表彰对象", "先进个人/集体", "会员姓名", "职工姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "sub_unit": ("部门", "所在部门", "工作单位", "所在单位", "单位", "科室", "分工会", "部门/科室"),
    "recipient_kind": ("类型", "获得者类型", "个人或集体", "个人/集体", "对象类型", "表彰类型"),
    "title": ("荣誉称号", "称号", "荣誉", "荣誉名称", "表彰名称", "获奖名称", "奖项", "奖项名称", "所获荣誉", "获得荣誉",
              "荣誉称号名称"),
    "level": ("级别", "荣誉级别", "表彰级别", "层级", "级次"),
    "conferred_by": ("授予单位", "授予机关", "表彰单位", "颁发单位", "评选单位", "发文单位", "表彰机关", "授予部门"),
    "year": ("年度", "年份", "获得年度", "表彰年度", "获奖年度", "获评年度"),
    "conferred_on": ("日期", "授予日期", "获得时间", "获奖时间", "表彰时间", "授予时间", "获评日期", "表彰日期", "时间",
                     "获得日期"),
    "stage": ("阶段", "状态", "进度", "评选阶段"),
    "notes": ("备注", "说明"),
})

LEVEL_ALIASES: dict[str, str] = {
    **dict.fromkeys(("全国", "全国级", "国家", "国家级", "中央", "中央级", "全总"), "全国"),
    **dict.fromkeys(("省", "省级", "省部", "省部级", "部级", "省厅级", "自治区级", "省（部）级"), "省部级"),
    **dict.fromkeys(("市", "市级", "地市级", "地级", "市厅级", "地区级", "州级", "市（州）级"), "市级"),
    **dict.fromkeys(("县", "区", "县级", "区级", "县区级", "区县级", "县（区）级", "县(区)级", "县市区级", "旗级"), "县区级"),
    **dict.fromkeys(("系统", "行业", "系统级", "行业级", "系统/行业", "系统行业", "行业/系统", "系统内", "行业内"),
                    "系统/行业"),
    **dict.fromkeys(("本单位", "单位", "单位级", "校级", "院级", "厂级", "公司级", "园级", "基层", "本级", "内部"), "本单位"),
}
KIND_ALIASES: dict[str, str] = {
    **dict.fromkeys(("个人", "人员", "个人荣誉", "先进个人", "职工", "会员"), "个人"),
    **dict.fromkeys(("集体", "团体", "先进集体", "集体荣誉", "部门", "班组", "科室", "组织"), "集体"),
    **dict.fromkeys(("本会", "我会", "本工会", "工会", "单位", "本单位"), "本会"),
}
STAGE_ALIASES: dict[str, str] = {
    **dict.fromkeys(("获评", "已获评", "获得", "已获得", "获奖", "已评", "评上", "授予", "已授予", "表彰", "已表彰",
                     "完成"), AWARDED),
    **dict.fromkeys(("申报", "已申报", "申报中", "上报", "已上报", "报送", "已报送"), "申报"),
    **dict.fromkeys(("推荐", "已推荐", "推荐中", "拟推荐", "候选"), "推荐"),
}
UNION_WORDS = ("本会", "我会", "本工会", "工会", "本单位工会")
# how the name of a group (not a person) ends: 某某班组, 某某科室, 某某车间…
GROUP_ENDINGS = ("组", "班", "科", "室", "处", "部", "车间", "中心", "队", "站", "所", "岗", "分会", "工会", "之家",
                 "团队", "年级", "学院", "病区", "门诊", "分厂", "项目部")
# markers of a conferring body's level, for an empty 级别 (the last one in the text wins: 某某市某某区 → 区)
LEVEL_MARKERS = (("自治区", "省部级"), ("省", "省部级"), ("市", "市级"), ("州", "市级"), ("县", "县区级"), ("区", "县区级"))
_QUOTES = str.maketrans("", "", "“”\"'‘’《》「」『』")
PROBLEM_LABELS = {**HONOUR_FIELD_LABELS, **HONOUR_IMPORT_FIELDS, "duplicate": "重复记录"}


@dataclass
class PlannedHonour:
    row_number: int  # the file's row number (what Excel shows)
    action: str  # "new" | "unchanged" (already recorded, or earlier in the sheet) | "invalid"
    name: str  # the recipient as the register shows it (the member, the collective, the union)
    sub_unit_path: str  # the member's or the collective's sub-unit, or the sheet's 部门
    kind: str  # 个人 / 集体 / 本会
    title: str
    level: str
    year: int | None
    stage: str
    member_id: int | None
    data: HonourInput | None  # what will be saved (None when invalid)
    problems: list[RowProblem]
    existing_id: int | None = None  # the honour an "unchanged" row already is


@dataclass
class HonourImportPlan(ImportPlanBase):
    ACTIONS = ("new", "unchanged", "invalid")

    today: dt.date

    def persons(self) -> int:
        """Distinct members among the rows to import (人)."""
        return len({row.member_id for row in self.rows if row.action == "new" and row.member_id})


def open_source(path, *, sheet: str | None = None, is_cancelled: IsCancelled | None = None) -> ImportSource:
    return read_source(path, HONOUR_SYNONYMS, sheet=sheet, is_cancelled=is_cancelled)


def plan_import(db: sqlite_utils.Database, source: ImportSource, mapping: dict[int, str] | None = None, *,
                progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                today: dt.date | None = None) -> HonourImportPlan:
    """Check every data row and decide what it does. Reads the database, writes nothing."""
    mapping = dict(sorted((source.mapping if mapping is None else mapping).items()))
    check_mapping(mapping, source.headers, HONOUR_IMPORT_FIELDS, form_name="荣誉名单", required=REQUIRED_COLUMNS)
    today = today or dt.date.today()
    planner = _RowPlanner(db, today)
    rows = [planner.plan(row_number, raw) for row_number, raw in
            data_rows(source, mapping, HONOUR_SYNONYMS, progress=progress, is_cancelled=is_cancelled)]
    return HonourImportPlan(source, mapping, rows, today)


# --- reading cells ---------------------------------------------------------------------------------------
def read_level(value) -> str | None:
    """The level a cell means ("" for an empty cell, None when it cannot be read)."""
    text = plain_text(value)
    if not text:
        return ""
    if text in LEVELS:
        return text
    for candidate in (text, text.replace("(", "（").replace(")", "）"), text.removesuffix("荣誉"),
                      text.removesuffix("表彰")):
        if candidate in LEVEL_ALIASES:
            return LEVEL_ALIASES[candidate]
    return None


def infer_level(title: str, conferred_by: str, union_name: str = "") -> str | None:
    """The level a title or a conferring body suggests ("全国劳动模范", "某某市总工会"), or None."""
    for text in (title, conferred_by):
        if text.startswith(("全国", "中华全国", "国家", "中共中央", "国务院")) or "国务院" in text:
            return "全国"
    if conferred_by in UNION_WORDS or (conferred_by and union_name and (
            conferred_by in union_name or union_name in conferred_by)):
        return "本单位"
    for text in (conferred_by, title):
        best, where = None, -1
        for marker, level in LEVEL_MARKERS:
            found = text.rfind(marker)
            if marker == "区" and text.rfind("自治区") >= 0 and found == text.rfind("自治区") + 2:
                continue
            if found > where:
                best, where = level, found
        if best is not None:
            return best
    return None


def _year_only(value) -> int | None:
    """A cell that holds just a year (2024, 2024.0, "2024年", "2024年度"), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer() and FIRST_YEAR - 50 <= value <= 2200:
        return int(value)
    match = re.fullmatch(r"(\d{4})(年度?|年)?", plain_text(value))
    return int(match[1]) if match else None


# --- checking rows ---------------------------------------------------------------------------------------
class _RowPlanner:
    def __init__(self, db: sqlite_utils.Database, today: dt.date):
        self.db = db
        self.today = today
        self.store = HonourStore(db, today=today)
        self.members = MemberMatcher(db, record="荣誉")
        self.units = sub_units(db)
        self.union_name = load_profile(db).name
        self.recorded: dict[tuple, int] = {}
        names = {u.id: u.name for u in self.units}
        for row in db.query("SELECT id, recipient_kind, member_id, sub_unit_id, group_name, title, level, year "
                            "FROM honours WHERE voided_at IS NULL ORDER BY id"):
            who = row["group_name"] or names.get(row["sub_unit_id"], "")
            self.recorded.setdefault(self._key(row["recipient_kind"], row["member_id"], who, row["title"],
                                               row["level"], row["year"]), row["id"])
        self.first_row_of: dict[tuple, int] = {}

    @staticmethod
    def _key(kind: str, member_id: int | None, who: str, title: str, level: str, year) -> tuple:
        """An honour's identity for finding it again: a person by id, a collective by the name the
        register shows (an exported list names it so), the union by nothing more."""
        return (kind, member_id if kind == "个人" else None, who if kind == "集体" else "", title, level, year)

    def _unit(self, text: str) -> tuple[int | None, str]:
        """(id, path) of the sub-unit ``text`` names (a path, or a unique name), else (None, "")."""
        parts = split_path(text)
        if not parts:
            return None, ""
        full = "/".join(parts)
        matches = [u for u in self.units if u.path == full] or (
            [u for u in self.units if u.name == parts[0]] if len(parts) == 1 else [])
        return (matches[0].id, matches[0].path) if len(matches) == 1 else (None, "")

    def _is_union(self, name: str) -> bool:
        return name in UNION_WORDS or bool(self.union_name and (name == self.union_name or (
            len(name) >= 4 and (name in self.union_name or self.union_name in name))))

    def _kind(self, raw: dict, name: str, add) -> str | None:
        text = plain_text(raw.get("recipient_kind"))
        if text:
            kind = text if text in RECIPIENT_KINDS else KIND_ALIASES.get(text)
            if kind is None:
                add("recipient_kind", f"“{cell_text(raw.get('recipient_kind'))}”应为：{'、'.join(RECIPIENT_KINDS)}")
            return kind
        if raw.get("id_number") is not None or name in self.members.by_name:
            return "个人"
        if self._is_union(name):
            return "本会"
        if self._unit(name)[0] is not None or (len(name) >= 3 and name.endswith(GROUP_ENDINGS)):
            return "集体"
        return "个人"

    def plan(self, row_number: int, raw: dict) -> PlannedHonour:
        problems: list[RowProblem] = []

        def add(key: str, message: str, severity: str = "error") -> None:
            problems.append(RowProblem(row_number, key, PROBLEM_LABELS[key], message, severity))

        for key, message in unreadable_cells(raw):
            add(key, message)

        name = person_name(raw.get("name"))
        unit_text = cell_text(raw.get("sub_unit"))
        kind = self._kind(raw, name, add)
        data = HonourInput(recipient_kind=kind or "")
        shown, path, member_id = name, unit_text, None
        if kind == "个人":
            member = None
            if name or raw.get("id_number") is not None:
                member = self.members.find(name, raw.get("id_number"), unit_text, add)
            else:
                add("name", "请填写获得荣誉的个人姓名")
            if member is not None:
                member_id = data.member_id = member["id"]
                shown, path = member["name"], self.members.path_of(member)
        elif kind == "集体":
            unit_id, unit_path = self._unit(name)
            if unit_id is not None:
                data.sub_unit_id, path = unit_id, unit_path
                shown = unit_path.rsplit("/", 1)[-1]
            else:
                data.group_name = name
                if unit_text:
                    data.sub_unit_id, path = self._unit(unit_text)
                    if data.sub_unit_id is None and name:
                        add("sub_unit", f"组织机构中没有部门“{unit_text}”，只记集体名称“{name}”", "warning")
                    elif data.sub_unit_id is None:
                        add("sub_unit", f"组织机构中没有部门“{unit_text}”")
                    elif not name:
                        shown = path.rsplit("/", 1)[-1]
                if not name and not unit_text:
                    add("name", "请填写获得荣誉的集体名称")
        elif kind == "本会":
            shown, path = self.union_name or UNION_SELF, ""

        data.title = cell_text(raw.get("title")).translate(_QUOTES).strip()
        data.conferred_by = cell_text(raw.get("conferred_by"))
        data.notes = cell_text(raw.get("notes"))
        data.level = self._level(raw, data, add)
        data.year, data.conferred_on = self._when(raw, add)
        stage_text = plain_text(raw.get("stage"))
        data.stage = STAGE_ALIASES.get(stage_text, stage_text) if stage_text else AWARDED
        if data.stage not in STAGES:
            add("stage", f"“{cell_text(raw.get('stage'))}”应为：{'、'.join(STAGES)}（不填视为获评）")

        values, errors = self.store.normalize(data, check_duplicate=False)
        reported = {p.field for p in problems}
        for error in errors:
            already = (error.field in reported or (error.field == "member_id" and {"name", "id_number"} & reported)
                       or (error.field == "group_name" and {"name", "sub_unit"} & reported)
                       or (error.field == "recipient_kind" and kind is None))
            if not already:
                add(error.field, error.message)

        row = PlannedHonour(row_number, "invalid", shown, path, kind or plain_text(raw.get("recipient_kind")),
                            data.title, data.level, values["year"] if isinstance(values["year"], int) else None,
                            data.stage, member_id, None, problems)
        if any(p.severity == "error" for p in problems):
            return row
        key = self._key(kind, member_id, shown, values["title"], values["level"], values["year"])
        first = self.first_row_of.setdefault(key, row_number)
        if key in self.recorded or first != row_number:
            where = f"已有的荣誉记录（编号 {self.recorded[key]}）" if key in self.recorded else f"第{first}行"
            add("duplicate", f"与{where}相同（同一获得者、荣誉称号、级别和年度），不再重复导入", "warning")
            row.action, row.existing_id = "unchanged", self.recorded.get(key)
            return row
        row.action, row.data = "new", data
        return row

    def _level(self, raw: dict, data: HonourInput, add) -> str:
        level = read_level(raw.get("level"))
        if level is None:
            add("level", f"“{cell_text(raw.get('level'))}”不是可识别的级别，应为：{'、'.join(LEVELS)}"
                         "（也可写国家级、省级、市、县、区、校级、厂级等）")
            return ""
        if level:
            return level
        guessed = infer_level(data.title, data.conferred_by, self.union_name)
        if guessed is None:
            add("level", f"请填写级别（{'、'.join(LEVELS)}）")
            return ""
        source = f"授予单位“{data.conferred_by}”" if data.conferred_by else f"荣誉称号“{data.title}”"
        add("level", f"表中未填级别，按{source}定为“{guessed}”，请核对", "warning")
        return guessed

    def _when(self, raw: dict, add) -> tuple[int | str | None, str | None]:
        """(年度, 日期) of the row; a date cell holding only a year gives the year."""
        year_raw, date_raw = raw.get("year"), raw.get("conferred_on")
        year = _year_only(year_raw) if year_raw is not None else None
        if year_raw is not None and year is None:
            add("year", f"“{cell_text(year_raw)}”不是年度，请写四位数字的年份，如 2024")
        day = None
        if date_raw is not None:
            only_year = _year_only(date_raw)
            if only_year is not None:
                year = year or only_year
            else:
                try:
                    parsed = parse_date(date_raw)
                except DateParseError as exc:
                    add("conferred_on", str(exc))
                else:
                    day = parsed.isoformat() if parsed else None
        if year is None and day is None and year_raw is None and date_raw is None:
            add("year", "请填写年度或日期")
        return year, day


# --- committing --------------------------------------------------------------------------------------------
@dataclass
class HonourImportResult:
    created: int
    unchanged: int
    skipped: int
    model_workers: int  # members whose 劳模类型 changed with the honours imported


def commit_import(db: sqlite_utils.Database, plan: HonourImportPlan, *, skip_invalid: bool = False,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> HonourImportResult:
    """Save the plan's new honours in one transaction; on any error or a cancel nothing is written."""
    counts = plan.counts()
    if counts["invalid"] and not skip_invalid:
        raise ImportBlocked(f"有 {counts['invalid']} 行数据有问题，为保证荣誉名单完整，本次没有导入任何数据。"
                            "请修改文件后重新导入，或选择跳过有问题的行。")
    progress = progress or no_progress
    store = HonourStore(db, today=plan.today)
    to_write = [row for row in plan.rows if row.action == "new"]
    total = len(to_write)
    changed_types: dict[int, str] = {}
    with transaction(db):
        for done, row in enumerate(to_write):
            if done % PROGRESS_INTERVAL == 0:
                check_cancel(is_cancelled)
                progress(done, total, f"正在导入第 {done + 1}/{total} 项…")
            try:
                store.save(row.data)
            except UserError as exc:  # a duplicate or a member voided since the check
                raise UserError(f"第{row.row_number}行：{exc}。数据库在检查之后被修改过，本次没有导入任何数据，"
                                "请重新检查后再导入。") from exc
            changed_types.update({member_id: new for member_id, _old, new in store.type_changes})
        check_cancel(is_cancelled)
    progress(total, total, "导入完成")
    return HonourImportResult(created=total, unchanged=counts["unchanged"], skipped=counts["invalid"],
                              model_workers=len(changed_types))


# --- command line ------------------------------------------------------------------------------------------
def honours_import_command(db_path, file, *, dry_run: bool, skip_invalid: bool, out: TextIO) -> int:
    """``gonghui-desk honours import``: check the list, print the plan and its problems, write it."""
    return run_import_command(db_path, file, open_source=open_source, plan_import=plan_import,
                              commit_import=commit_import, print_plan=_print_plan, result_text=_result_text,
                              dry_run=dry_run, skip_invalid=skip_invalid, out=out)


def _print_plan(plan: HonourImportPlan, out: TextIO) -> None:
    print_source(plan, HONOUR_IMPORT_FIELDS, out)
    counts = plan.counts()
    print(f"检查结果：新增荣誉 {counts['new']} 项（个人荣誉涉及 {plan.persons()} 人），已有记录（不再导入）"
          f"{counts['unchanged']} 项，有问题 {counts['invalid']} 行。", file=out)
    print_problems(plan, out)


def _result_text(result: HonourImportResult) -> str:
    text = f"导入完成：新增荣誉 {result.created} 项"
    if result.model_workers:
        text += f"（{result.model_workers} 名会员的劳模类型随之更新）"
    return text + f"，已有记录未重复导入 {result.unchanged} 项，跳过 {result.skipped} 行。"


__all__ = ["HONOUR_IMPORT_FIELDS", "HONOUR_SYNONYMS", "HonourImportPlan", "HonourImportResult", "PlannedHonour",
           "commit_import", "honours_import_command", "infer_level", "open_source", "plan_import", "read_level"]
