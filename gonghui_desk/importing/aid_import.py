"""Importing historical aid payments (帮扶台账) from Excel or CSV.

The same three steps as the other importers (:mod:`gonghui_desk.importing.common`), so the same
wizard and command line drive it:

1. ``open_source(path)`` finds the header row and maps the columns (the headers ledgers write by
   hand, and every header of the app's own ledger export, :data:`exporting.aid_ledger.AID_COLUMNS`);
2. ``plan_import(db, source, mapping)`` finds each row's household head (by ID number, or by name
   and, when given, 部门 when that is unambiguous), then the head's hardship file that covers the
   payment date (opened on or before it and not closed by then; otherwise the head's latest file,
   and the rule check says why that is irregular). The type and the fund source are matched to the
   values configured in the settings, directly or through a common alias (送温暖 → 节日送温暖,
   工会经费 → 本级经费…). A 金秋助学 row names its student: a family member of the file, found
   by ID number or name; a student not listed yet is added to the family when the row is
   imported. Rows already in the database, or earlier in the file, are "unchanged";
3. ``commit_import(db, plan)`` saves the new payments in one transaction, all or nothing (unless
   the user chose to skip invalid rows). A historical payment is saved as it happened: applied
   for, approved and paid through :class:`~gonghui_desk.hardship.aid.AidStore` (stages are
   never skipped), then its 公示 date and 签收 are set. A row whose 阶段 is 申请 or 审核 stops at
   that stage. Rule breaches (the file not 在档 on the date, a student already funded for the
   same admission, the head not on the roll) are warnings in the plan and are stored with the
   reason "导入历史台账".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TextIO

import sqlite_utils

from gonghui_desk import value_lists
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError
from gonghui_desk.hardship.aid import STUDENT_AID, AidInput, AidStore, RuleWarning
from gonghui_desk.hardship.files import FamilyMemberInput, HardshipFileStore
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
    print_problems,
    print_source,
    read_source,
    run_import_command,
    signed_flag,
    unreadable_cells,
)
from gonghui_desk.importing.headers import build_synonyms
from gonghui_desk.importing.spreadsheet import cell_text
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.members import normalize_member
from gonghui_desk.money import MoneyParseError, parse_money

IMPORT_REASON = "导入历史台账"
IMPORT_APPROVER = "导入"  # the 审核人 of a historical payment whose ledger does not name one
NO_FILE_MESSAGE = "该会员没有困难职工档案，请先建档或导入困难职工档案"
DEFAULT_STUDENT_RELATION = "子女"
STUDENT_IDENTITY = "学生"
PAID, APPROVED, APPLIED = "发放", "审核", "申请"

AID_IMPORT_FIELDS: dict[str, str] = {
    "name": "户主", "id_number": "身份证号", "sub_unit": "部门", "file_category": "困难类别", "aid_type": "帮扶类型",
    "cash": "帮扶金额", "goods_desc": "帮扶物资", "goods_value": "物资价值", "fund_source": "资金来源",
    "stage": "阶段", "applied_on": "申请日期", "approved_on": "审核日期", "approved_by": "审核人",
    "paid_on": "发放日期", "paid_by": "发放人", "publicized_on": "公示日期", "signed": "签收",
    "student_name": "受助学生", "student_id_number": "学生身份证号", "student_relation": "与户主关系",
    "school": "录取学校", "admission_year": "入学年份", "schooling_years": "学制", "notes": "备注",
}

AID_SYNONYMS: dict[str, tuple[str, ...]] = build_synonyms(AID_IMPORT_FIELDS, {
    "name": ("户主", "户主姓名", "姓名", "职工姓名", "受助人", "受助人姓名", "受助职工", "困难职工", "困难职工姓名",
             "会员姓名"),
    "id_number": ("身份证号", "身份证号码", "户主身份证号", "户主身份证号码", "公民身份号码", "身份证"),
    "sub_unit": ("部门", "单位", "工作单位", "所在部门", "所在单位", "部门/单位", "单位/部门", "科室", "分工会"),
    "file_category": ("困难类别", "困难类型", "困难程度", "困难职工类别"),
    "aid_type": ("帮扶类型", "救助类型", "帮扶项目", "救助项目", "帮扶类别", "救助类别", "类别", "帮扶方式"),
    "cash": ("帮扶金额", "金额", "救助金额", "发放金额", "帮扶金额（元）", "金额（元）", "救助金额（元）",
             "发放金额（元）", "资助金额", "补助金额", "帮扶资金"),
    "goods_desc": ("帮扶物资", "物资", "发放物资", "慰问品", "物品"),
    "goods_value": ("物资价值", "物资价值（元）", "物资金额", "物资折合金额", "物品价值"),
    "fund_source": ("资金来源", "经费来源", "资金渠道"),
    "stage": ("阶段", "办理阶段", "当前阶段"),
    "applied_on": ("申请日期", "申请时间"),
    "approved_on": ("审核日期", "审核时间", "审批日期", "审批时间"),
    "approved_by": ("审核人", "审批人"),
    "paid_on": ("发放日期", "日期", "发放时间", "帮扶日期", "救助日期", "资助日期"),
    "paid_by": ("发放人", "经办人", "经手人"),
    "publicized_on": ("公示日期", "公示时间"),
    "signed": ("签收", "是否签收", "签收情况"),
    "student_name": ("受助学生", "学生姓名", "受助学生姓名", "学生"),
    "student_id_number": ("学生身份证号", "学生身份证号码", "学生身份证"),
    "student_relation": ("与户主关系", "学生与户主关系", "与户主的关系"),
    "school": ("录取学校", "学校", "录取院校", "就读学校", "院校"),
    "admission_year": ("入学年份", "入学年度", "入学时间", "录取年份"),
    "schooling_years": ("学制",),
    "notes": ("备注", "说明"),
})

# What ledgers write for the default types and sources; a target is used only when the settings list it.
AID_TYPE_ALIASES = {
    **dict.fromkeys(("送温暖", "春节送温暖", "两节送温暖", "节日慰问", "春节慰问", "元旦春节慰问", "两节慰问", "节日",
                     "春节", "中秋慰问"), "节日送温暖"),
    **dict.fromkeys(("助学", "金秋助学金", "助学金", "金秋", "金秋助学活动"), "金秋助学"),
    **dict.fromkeys(("大病", "大病医疗救助", "大病救助金"), "大病救助"),
    **dict.fromkeys(("医疗", "医疗补助", "医疗救助金", "医疗帮扶"), "医疗救助"),
    **dict.fromkeys(("生活", "生活补助", "生活困难补助", "困难补助", "生活救助金", "生活帮扶"), "生活救助"),
    **dict.fromkeys(("临时", "临时困难", "临时补助", "临时救助金", "应急救助", "意外"), "临时救助"),
}
FUND_SOURCE_ALIASES = {
    **dict.fromkeys(("上级", "上级拨款", "上级补助", "上级工会", "上级工会拨款", "上级帮扶", "上级资金"), "上级帮扶资金"),
    **dict.fromkeys(("工会经费", "本级", "本级工会", "本级工会经费", "工会", "本级经费拨款"), "本级经费"),
    **dict.fromkeys(("行政拨款", "行政经费", "单位", "单位行政", "行政资金"), "行政"),
    **dict.fromkeys(("捐款", "捐赠", "捐助", "爱心捐款", "社会捐赠", "爱心捐助"), "社会捐助"),
}
STAGE_ALIASES = {
    **dict.fromkeys(("申请", "已申请", "申请中", "待审核", "未审核"), APPLIED),
    **dict.fromkeys(("审核", "已审核", "审核通过", "待发放", "已审批", "审批通过"), APPROVED),
    **dict.fromkeys(("发放", "已发放", "发放完毕", "已领取"), PAID),
}
STUDENT_RELATION_ALIASES = {
    **dict.fromkeys(("儿子", "女儿", "子", "女", "孩子", "小孩", "长子", "长女", "次子", "次女"), "子女"),
    **dict.fromkeys(("孙子", "孙女", "外孙", "外孙女"), "孙子女"),
    **dict.fromkeys(("弟弟", "妹妹", "哥哥", "姐姐", "兄弟", "姐妹"), "兄弟姐妹"),
    **dict.fromkeys(("妻子", "丈夫", "爱人"), "配偶"),
}
# The label of each problem's field: the ledger's columns and three more.
PROBLEM_LABELS = {**AID_IMPORT_FIELDS, "file": "困难职工档案", "duplicate": "重复记录", "rules": "帮扶规定"}
# AidStore's field -> the ledger column its problems belong to
_STORE_FIELDS = {"file_id": "file", "cash_fen": "cash", "goods_value_fen": "goods_value",
                 "student_family_member_id": "student_name"}
_FAMILY_FIELDS = {"name": "student_name", "id_number": "student_id_number", "relation": "student_relation",
                  "birth_date": "student_id_number", "identity": "student_name", "unit_or_school": "school"}
_YEAR = re.compile(r"\s*((?:19|20)\d{2})\s*(?:年|级|届)?(?:[-/.年]\d{1,2}月?(?:[-/.月]\d{1,2}日?)?)?\s*")
_SCHOOLING = re.compile(r"\s*(\d{1,2})\s*年?(?:制)?\s*")


@dataclass
class PlannedAid:
    row_number: int  # the file's row number (what Excel shows)
    action: str  # "new" | "unchanged" (already recorded) | "invalid"
    name: str  # the household head's name
    sub_unit_path: str  # the head's sub-unit, or the file's 部门 when no member matched
    aid_type: str  # the resolved type, or the text of the file
    day: str  # the payment date (the application date of a row not yet paid), ISO, or ""
    total_fen: int  # cash plus goods value
    stage: str  # 申请 / 审核 / 发放
    member_id: int | None
    file_id: int | None
    household: int | None  # the head of the first file of the file's reopening chain
    aid: AidInput | None  # what will be applied for (None when the row cannot be imported)
    approved_on: str | None = None
    approved_by: str = ""
    paid_on: str | None = None
    paid_by: str = ""
    publicized_on: str | None = None
    signed: bool = False
    new_student: FamilyMemberInput | None = None  # a 金秋助学 student to add to the file's family
    student_name: str = ""
    problems: list[RowProblem] = dataclasses.field(default_factory=list)


@dataclass
class AidImportPlan(ImportPlanBase):
    ACTIONS = ("new", "unchanged", "invalid")

    today: dt.date

    def households(self) -> int:
        """Distinct households among the rows to import (户, as against 人次)."""
        return len({row.household for row in self.rows if row.action == "new"})

    def students_to_add(self) -> list[str]:
        """The students the import adds to their household's family, once each."""
        seen: dict[tuple, str] = {}
        for row in self.rows:
            if row.action == "new" and row.new_student is not None:
                key = (row.file_id, row.new_student.id_number or row.new_student.name)
                seen.setdefault(key, row.new_student.name)
        return list(seen.values())

    def with_warnings(self) -> int:
        """Rows to import that break a rule (saved with the reason "导入历史台账")."""
        return sum(1 for row in self.rows if row.action == "new" and any(p.field == "rules" for p in row.problems))


def open_source(path, *, sheet: str | None = None, is_cancelled: IsCancelled | None = None) -> ImportSource:
    return read_source(path, AID_SYNONYMS, sheet=sheet, is_cancelled=is_cancelled)


def plan_import(db: sqlite_utils.Database, source: ImportSource, mapping: dict[int, str] | None = None, *,
                progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                today: dt.date | None = None) -> AidImportPlan:
    """Check every data row and decide what it does. Reads the database, writes nothing."""
    mapping = dict(sorted((source.mapping if mapping is None else mapping).items()))
    check_mapping(mapping, source.headers, AID_IMPORT_FIELDS, form_name="帮扶台账", required=("name", "aid_type"))
    today = today or dt.date.today()
    planner = _RowPlanner(db, today)
    rows = [planner.plan(row_number, raw) for row_number, raw in
            data_rows(source, mapping, AID_SYNONYMS, progress=progress, is_cancelled=is_cancelled)]
    return AidImportPlan(source, mapping, rows, today)


# --- small readers ---------------------------------------------------------------------------------------
def _resolve(text: str, allowed: list[str], aliases: dict[str, str]) -> str | None:
    plain = re.sub(r"\s+", "", text)
    for candidate in (plain, aliases.get(plain)):
        if candidate in allowed:
            return candidate
    return None


def _is_masked(text: str) -> bool:
    return "*" in text or "＊" in text


def _fits_mask(mask: str, number: str | None) -> bool:
    """Whether ``number`` is the ID number shown masked as ``mask`` (110101********0018)."""
    mask = mask.replace("＊", "*").strip().upper()
    if not number or len(mask) != len(number):
        return False
    return all(m == "*" or m == n for m, n in zip(mask, number.upper()))


def _year(value) -> int | None:
    """入学年份 as ledgers write it: 2026, "2026", "2026年", "2026级", "2026-09", a date."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    match = _YEAR.fullmatch(cell_text(value))
    if not match:
        raise ValueError
    return int(match[1])


def _schooling(value) -> int:
    """学制: 4, "4", "4年", "四年"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = cell_text(value).translate(str.maketrans("一二三四五六七八九", "123456789")).replace("十", "10")
    match = _SCHOOLING.fullmatch(text)
    if not match:
        raise ValueError
    return int(match[1])


def _households(db: sqlite_utils.Database) -> dict[int, int]:
    """file id -> the household: the head of the first file of its reopening chain."""
    files = {row[0]: (row[1], row[2]) for row in db.execute(
        "SELECT id, member_id, previous_file_id FROM hardship_files")}
    result: dict[int, int] = {}
    for file_id in files:
        seen, current = set(), file_id
        while files.get(current, (None, None))[1] in files and current not in seen:
            seen.add(current)
            current = files[current][1]
        result[file_id] = files[current][0]
    return result


# --- checking rows ---------------------------------------------------------------------------------------
class _RowPlanner:
    def __init__(self, db: sqlite_utils.Database, today: dt.date):
        self.db = db
        self.today = today
        self.store = AidStore(db, today=today)
        self.file_store = HardshipFileStore(db, today=today)
        self.members = MemberMatcher(db, record="帮扶记录")
        self.aid_types = value_lists.values(db, "aid.type")
        self.fund_sources = value_lists.values(db, "aid.fund_source")
        self.households = _households(db)
        self.files_of: dict[int, list[dict]] = {}
        for file in db.query("SELECT id, member_id, status, category, opened_on, closed_on FROM hardship_files "
                             "WHERE voided_at IS NULL ORDER BY opened_on, id"):
            self.files_of.setdefault(file["member_id"], []).append(file)
        self.family_of: dict[int, list[dict]] = {}
        self.head_id_numbers = {row[0]: row[1] for row in db.execute("SELECT id, id_number FROM members")}
        self.recorded: dict[tuple, int] = {}
        for payment_id, file_id, aid_type, day, cash, goods in db.execute(
                "SELECT id, file_id, aid_type, coalesce(paid_on, applied_on), cash_fen, goods_value_fen "
                "FROM aid_payments WHERE voided_at IS NULL ORDER BY id"):
            self.recorded.setdefault((self.households.get(file_id), aid_type, day, cash, goods), payment_id)
        self.first_row_of: dict[tuple, int] = {}
        self.funded_students: dict[tuple, int] = {}  # (student, admission year) -> first row importing it

    def family(self, file_id: int) -> list[dict]:
        if file_id not in self.family_of:
            self.family_of[file_id] = list(self.db.query(
                "SELECT id, name, relation, id_number FROM hardship_family_members "
                "WHERE file_id = ? AND voided_at IS NULL ORDER BY sort_order, id", [file_id]))
        return self.family_of[file_id]

    def plan(self, row_number: int, raw: dict) -> PlannedAid:
        problems: list[RowProblem] = []

        def add(key: str, message: str, severity: str = "error") -> None:
            problems.append(RowProblem(row_number, key, PROBLEM_LABELS[key], message, severity))

        for key, message in unreadable_cells(raw):
            add(key, message)

        # who: the household head, then the file
        name = person_name(raw.get("name"))
        unit_text = cell_text(raw.get("sub_unit"))
        id_text = cell_text(raw.get("id_number"))
        masked_id = id_text if id_text and _is_masked(id_text) else ""
        id_raw = None if masked_id or not id_text else raw.get("id_number")
        member = None
        if name or id_raw is not None:
            member = self.members.find(name, id_raw, unit_text, add)
        else:
            add("name", "户主姓名不能为空")
        if member is not None and masked_id and self.head_id_numbers.get(member["id"]) and not _fits_mask(
                masked_id, self.head_id_numbers[member["id"]]):
            add("id_number", f"身份证号 {masked_id} 与会员“{member['name']}”的身份证号不符，请核对")
            member = None

        # what: the type, the money, the source
        aid_type = self._choice(raw, "aid_type", self.aid_types, AID_TYPE_ALIASES, add, "帮扶类型")
        fund_source = self._choice(raw, "fund_source", self.fund_sources, FUND_SOURCE_ALIASES, add, "资金来源") or ""
        cash = self._money(raw, "cash", add)
        goods_value = self._money(raw, "goods_value", add)
        signed = signed_flag(raw, add)

        # when: the stage and its dates
        dates = {key: self._date(raw, key, add) for key in ("applied_on", "approved_on", "paid_on", "publicized_on")}
        stage = self._stage(raw, add)
        applied_on, approved_on, paid_on = self._stage_dates(stage, dates, signed, {p.field for p in problems}, add)
        day = paid_on if stage == PAID else applied_on

        file = self._file(member, day) if member is not None else None
        if member is not None and file is None:
            add("file", NO_FILE_MESSAGE)
        category = cell_text(raw.get("file_category"))
        if file is not None and category and category != file["category"]:
            add("file_category", f"该户档案的困难类别是“{file['category'] or '未填'}”，与“{category}”不同，"
                                 "已按档案导入", "warning")

        # who else: the student of a 金秋助学 payment
        student, new_student, student_name = None, None, ""
        school, admission_year, schooling_years = "", None, None
        if aid_type == STUDENT_AID:
            school = cell_text(raw.get("school"))
            admission_year = self._int(raw, "admission_year", _year, "入学年份“{}”应为四位年份，如 2026", add)
            schooling_years = self._int(raw, "schooling_years", _schooling, "学制“{}”应为年数，如 4", add)
            if file is not None:
                student, new_student = self._student(raw, file, school, member, add)
            student_name = new_student.name if new_student else (student["name"] if student else "")
            student_name = student_name or person_name(raw.get("student_name"))
        elif aid_type and raw.get("student_name") is not None:
            add("student_name", f"帮扶类型是“{aid_type}”，不是{STUDENT_AID}：受助学生、学校等不导入", "warning")

        row = PlannedAid(
            row_number, "invalid", member["name"] if member else name,
            self.members.path_of(member) if member else unit_text, aid_type or cell_text(raw.get("aid_type")),
            day or "", (cash or 0) + (goods_value or 0), stage, member["id"] if member else None,
            file["id"] if file else None, self.households.get(file["id"]) if file else None, None,
            approved_on=approved_on, approved_by=cell_text(raw.get("approved_by")) or IMPORT_APPROVER,
            paid_on=paid_on, paid_by=cell_text(raw.get("paid_by")), publicized_on=dates["publicized_on"],
            signed=signed, new_student=new_student, student_name=student_name, problems=problems)
        if file is None or aid_type is None or any(p.severity == "error" for p in problems):
            return row

        data = AidInput(
            file_id=file["id"], aid_type=aid_type, cash_fen=cash or 0, goods_desc=cell_text(raw.get("goods_desc")),
            goods_value_fen=goods_value or 0, fund_source=fund_source, applied_on=applied_on,
            notes=cell_text(raw.get("notes")), student_family_member_id=student["id"] if student else None,
            school=school, admission_year=admission_year,
            schooling_years=schooling_years)
        values, store_problems = self.store.normalize(data)
        for problem in store_problems:
            if problem.field == "student_family_member_id" and new_student is not None:
                continue  # the import adds the student first
            key = _STORE_FIELDS.get(problem.field, problem.field)
            if not any(p.field == key for p in problems):
                problems.append(RowProblem(row_number, key, PROBLEM_LABELS.get(key, problem.label), problem.message))
        if any(p.severity == "error" for p in problems):
            return row
        row.aid = data

        key = (row.household, aid_type, day, values["cash_fen"], values["goods_value_fen"])
        first = self.first_row_of.setdefault(key, row_number)
        if key in self.recorded or first != row_number:
            where = f"已有的帮扶记录（编号 {self.recorded[key]}）" if key in self.recorded else f"第{first}行"
            add("duplicate", f"与{where}相同（同一户、帮扶类型、{'发放' if stage == PAID else '申请'}日期和金额），"
                             "不再重复导入", "warning")
            row.action = "unchanged"
            return row

        for warning in self._rule_warnings(data, values, stage, applied_on, paid_on, student, new_student, row_number):
            add("rules", f"{warning.message}（导入时将注明“{IMPORT_REASON}”）", "warning")
        if new_student is not None:
            note = "（学生身份证号只有部分数字，不录入）" if _is_masked(cell_text(raw.get("student_id_number"))) else ""
            add("student_name", f"将把学生 {new_student.name} 添加为该户家庭成员{note}", "warning")
        row.action = "new"
        return row

    # --- the household head and the file --------------------------------------------------------------
    def _file(self, member: dict, day: str | None) -> dict | None:
        """The member's file covering ``day``; else the latest one (the rule check says what is wrong)."""
        files = self.files_of.get(member["id"], [])
        if not files:
            return None
        if day:
            covering = [f for f in files if f["status"] != "申请中" and f["opened_on"] <= day
                        and (f["status"] == "在档" or (f["closed_on"] and f["closed_on"] > day))]
            if covering:
                return covering[-1]
        return files[-1]

    # --- the student -------------------------------------------------------------------------------------
    def _student(self, raw: dict, file: dict, school: str, member: dict,
                 add) -> tuple[dict | None, FamilyMemberInput | None]:
        """(the listed family member, or the student to add); (None, None) after an error."""
        name = person_name(raw.get("student_name"))
        id_text = cell_text(raw.get("student_id_number"))
        masked = bool(id_text) and _is_masked(id_text)
        number = None
        if id_text and not masked:
            checked = normalize_member({"id_number": raw.get("student_id_number")}, today=self.today)
            if checked.errors:
                add("student_id_number", checked.errors[0].message)
                return None, None
            number = checked.values["id_number"]
        if not name and not id_text:
            add("student_name", f"{STUDENT_AID}请填写受助学生姓名")
            return None, None
        family = self.family(file["id"])
        if number:
            same_id = [p for p in family if p["id_number"] == number]
            if same_id:
                if name and same_id[0]["name"] != name:
                    add("student_id_number", f"学生身份证号 {number} 是该户家庭成员“{same_id[0]['name']}”的，"
                                             f"与受助学生“{name}”不一致，请核对")
                    return None, None
                return same_id[0], None
        named = [p for p in family if p["name"] == name] if name else []
        if masked:
            fitting = [p for p in (named or ([] if name else family)) if _fits_mask(id_text, p["id_number"])]
            if len(fitting) == 1:
                return fitting[0], None
            named = [p for p in named if not p["id_number"]] if not fitting else named
        elif number:
            others = [p for p in named if p["id_number"]]
            if others and len(others) == len(named):
                add("student_id_number", f"该户家庭成员“{name}”的身份证号与 {number} 不同，请核对")
                return None, None
            named = [p for p in named if not p["id_number"]]
        if len(named) == 1:
            return named[0], None
        if len(named) > 1:
            add("student_name", f"该户有{len(named)}名家庭成员叫{name}，请补充学生身份证号")
            return None, None
        if not name:
            add("student_name", "受助学生不在该户的家庭成员中，请填写学生姓名")
            return None, None
        relation_text = re.sub(r"\s+", "", cell_text(raw.get("student_relation")))
        relation = STUDENT_RELATION_ALIASES.get(relation_text, relation_text) or DEFAULT_STUDENT_RELATION
        student = FamilyMemberInput(name=name, relation=relation, id_number=number, identity=STUDENT_IDENTITY,
                                    unit_or_school=school)
        _, family_problems = self.file_store.normalize_family(
            [student], head_id_number=self.head_id_numbers.get(member["id"]))
        for problem in family_problems:
            key = _FAMILY_FIELDS.get(problem.field.rsplit(".", 1)[-1], "student_name")
            add(key, problem.message)
        return (None, student) if not family_problems else (None, None)

    # --- the rules ----------------------------------------------------------------------------------------
    def _rule_warnings(self, data: AidInput, values: dict, stage: str, applied_on: str, paid_on: str | None,
                       student: dict | None, new_student: FamilyMemberInput | None,
                       row_number: int) -> list[RuleWarning]:
        days = [applied_on] + ([paid_on] if stage == PAID and paid_on != applied_on else [])
        found: dict[str, RuleWarning] = {}
        for day in days:
            if new_student is None:
                warnings = self.store.check_rules(data, on_date=day)
            else:  # the student is not a family member yet: the file's and the roll's rules (AidStore's own)
                warnings = self.store.rule_warnings(values, day)
            for warning in warnings:
                found.setdefault(warning.message, warning)
        year = data.admission_year
        if data.aid_type == STUDENT_AID and year is not None:
            funded = any(w.code == "student_funded" for w in found.values())
            if new_student is not None and new_student.id_number and not funded:
                earlier = self.store.funded_before(year, id_number=new_student.id_number)
                if earlier:
                    found[earlier.message] = earlier
                    funded = True
            if student is not None:
                who = ("id", student["id_number"]) if student["id_number"] else ("row", student["id"])
            else:
                who = ("id", new_student.id_number) if new_student.id_number else (
                    "new", data.file_id, new_student.name)
            first = self.funded_students.setdefault((who, year), row_number)
            if first != row_number and not funded:
                message = f"该学生{year}年入学的助学已在第{first}行，每次入学限资助一次"
                found[message] = RuleWarning("student_funded", message)
        return list(found.values())

    # --- cells ----------------------------------------------------------------------------------------------
    @staticmethod
    def _choice(raw: dict, key: str, allowed: list[str], aliases: dict[str, str], add, what: str) -> str | None:
        text = cell_text(raw.get(key))
        if not text:
            if key == "aid_type":
                add(key, "请填写帮扶类型")
            return None
        value = _resolve(text, allowed, aliases)
        if value is None:
            add(key, f"“{text}”不是已有的{what}，已有：{'、'.join(allowed)}。"
                     f"如果确是新的{what}，请先在设置的选项表中添加再导入")
        return value

    @staticmethod
    def _money(raw: dict, key: str, add) -> int | None:
        try:
            return parse_money(raw.get(key))
        except MoneyParseError as exc:
            add(key, str(exc))
            return None

    def _date(self, raw: dict, key: str, add) -> str | None:
        try:
            day = parse_date(raw.get(key))
        except DateParseError as exc:
            add(key, str(exc))
            return None
        if day and day > self.today:
            add(key, f"{AID_IMPORT_FIELDS[key]} {day.isoformat()} 晚于今天")
            return None
        return day.isoformat() if day else None

    @staticmethod
    def _int(raw: dict, key: str, parse, message: str, add) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError:
            add(key, message.format(cell_text(value)))
            return None

    @staticmethod
    def _stage(raw: dict, add) -> str:
        text = re.sub(r"\s+", "", cell_text(raw.get("stage")))
        if not text:
            return PAID
        if text not in STAGE_ALIASES:
            add("stage", f"“{text}”应为“申请”“审核”或“发放”")
            return PAID
        return STAGE_ALIASES[text]

    @staticmethod
    def _stage_dates(stage: str, dates: dict, signed: bool, failed: set[str],
                     add) -> tuple[str | None, str | None, str | None]:
        """(申请日期, 审核日期, 发放日期) of a payment imported at ``stage``; errors through ``add``
        (``failed``: the date fields already reported as unreadable).

        A paid row without a 申请日期 was applied for on the earliest of its 审核, 公示 and payment
        dates, and approved on its 审核日期 or else on the payment date."""
        applied, approved, paid, publicized = (dates[key] for key in ("applied_on", "approved_on", "paid_on",
                                                                      "publicized_on"))
        given_applied, given_approved = applied, approved
        if stage == PAID:
            if not paid:
                if "paid_on" not in failed:
                    add("paid_on", "请填写发放日期（历史台账的每一笔帮扶都应写明何时发放；"
                                   "尚未发放的，请在“阶段”一栏写“申请”或“审核”）")
                return applied, approved, None
            approved = approved or paid
            applied = applied or min(day for day in (given_approved, publicized, paid) if day)
        else:
            if paid:
                add("paid_on", f"阶段为“{stage}”（尚未发放），不应有发放日期；已发放的请把阶段改为“发放”")
            if signed:
                add("signed", f"阶段为“{stage}”（尚未发放），不能标记为已签收")
            if stage == APPLIED and publicized:
                add("publicized_on", "阶段为“申请”（尚未审核），不能登记公示日期：公示的是审核通过的名单")
            if not applied:
                if "applied_on" not in failed:
                    add("applied_on", f"阶段为“{stage}”的记录请填写申请日期")
                return None, None, None
            approved = (approved or applied) if stage == APPROVED else None
            if stage == APPLIED and given_approved:
                add("approved_on", "阶段为“申请”（尚未审核），审核日期不导入", "warning")
        if given_approved and approved and applied and approved < applied:
            add("approved_on", f"审核日期 {approved} 早于申请日期 {applied}")
        elif paid and given_approved and paid < given_approved:
            add("paid_on", f"发放日期 {paid} 早于审核日期 {given_approved}")
        elif paid and given_applied and paid < given_applied:
            add("paid_on", f"发放日期 {paid} 早于申请日期 {given_applied}")
        if publicized and given_applied and publicized < given_applied:
            add("publicized_on", f"公示日期 {publicized} 早于申请日期 {given_applied}")
        return applied, approved, paid if stage == PAID else None


# --- committing --------------------------------------------------------------------------------------------
@dataclass
class AidImportResult:
    created: int
    unchanged: int
    skipped: int
    with_warnings: int  # saved with rule warnings and the reason "导入历史台账"
    students_added: int  # 金秋助学 students added to their household's family


def commit_import(db: sqlite_utils.Database, plan: AidImportPlan, *, skip_invalid: bool = False,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> AidImportResult:
    """Save the plan's new payments in one transaction; on any error or a cancel nothing is written."""
    counts = plan.counts()
    if counts["invalid"] and not skip_invalid:
        raise ImportBlocked(f"有 {counts['invalid']} 行数据有问题，为保证台账完整，本次没有导入任何数据。"
                            "请修改文件后重新导入，或选择跳过有问题的行。")
    progress = progress or no_progress
    store = AidStore(db, today=plan.today)
    files = HardshipFileStore(db, today=plan.today)
    to_write = [row for row in plan.rows if row.action == "new"]
    total = len(to_write)
    saved: list[int] = []
    added = 0
    with transaction(db) as conn:
        for done, row in enumerate(to_write):
            if done % PROGRESS_INTERVAL == 0:
                check_cancel(is_cancelled)
                progress(done, total, f"正在导入第 {done + 1}/{total} 条…")
            try:
                data = row.aid
                if row.new_student is not None:
                    student_id, was_added = _ensure_student(files, row.file_id, row.new_student)
                    added += was_added
                    data = dataclasses.replace(data, student_family_member_id=student_id)
                payment_id = store.apply(data, override_reason=IMPORT_REASON)
                if row.stage in (APPROVED, PAID):
                    store.approve(payment_id, row.approved_on, row.approved_by)
                if row.stage == PAID:
                    store.pay(payment_id, row.paid_on, row.paid_by, override_reason=IMPORT_REASON)
                if row.publicized_on:
                    store.set_publicized(payment_id, row.publicized_on)
                if row.signed:
                    store.set_signed([payment_id])
            except UserError as exc:
                raise UserError(f"第{row.row_number}行：{exc}。数据库在检查之后被修改过，本次没有导入任何数据，"
                                "请重新检查后再导入。") from exc
            saved.append(payment_id)
        check_cancel(is_cancelled)
        warned = conn.execute("SELECT count(*) FROM aid_payments WHERE rule_warnings != '' "
                              "AND id IN (SELECT value FROM json_each(?))", (json.dumps(saved),)).fetchone()[0]
    progress(total, total, "导入完成")
    return AidImportResult(created=len(saved), unchanged=counts["unchanged"], skipped=counts["invalid"],
                           with_warnings=warned, students_added=added)


def _ensure_student(files: HardshipFileStore, file_id: int, student: FamilyMemberInput) -> tuple[int, bool]:
    """The family-member row of ``student`` in the file, added to the family when it is not listed
    yet (an earlier row of the same import may have added it); (row id, whether it was added)."""
    def find() -> int | None:
        for person in files.get(file_id)["family"]:
            if (student.id_number and person["id_number"] == student.id_number) or (
                    not student.id_number and person["name"] == student.name):
                return person["id"]
        return None

    found = find()
    if found is not None:
        return found, False
    _, family = files.as_input(file_id)
    files.set_family(file_id, [*family, student])
    return find(), True


# --- command line ------------------------------------------------------------------------------------------
def aid_import_command(db_path, file, *, dry_run: bool, skip_invalid: bool, out: TextIO) -> int:
    """``gonghui-desk aid import``: check the ledger, print the plan and its problems, write it."""
    return run_import_command(db_path, file, open_source=open_source, plan_import=plan_import,
                              commit_import=commit_import, print_plan=_print_plan, result_text=_result_text,
                              dry_run=dry_run, skip_invalid=skip_invalid, out=out)


def plan_summary(plan: AidImportPlan) -> str:
    counts = plan.counts()
    text = (f"新增帮扶记录 {counts['new']} 人次（{plan.households()} 户），"
            f"已有记录（不再导入）{counts['unchanged']} 条，有问题 {counts['invalid']} 行")
    students = plan.students_to_add()
    if students:
        text += f"；将添加为家庭成员的学生 {len(students)} 人：{'、'.join(students)}"
    return text


def _print_plan(plan: AidImportPlan, out: TextIO) -> None:
    print_source(plan, AID_IMPORT_FIELDS, out)
    print(f"检查结果：{plan_summary(plan)}。", file=out)
    print_problems(plan, out)


def _result_text(result: AidImportResult) -> str:
    text = f"导入完成：新增帮扶记录 {result.created} 条"
    if result.with_warnings:
        text += f"（其中 {result.with_warnings} 条不符合帮扶规定，已注明“{IMPORT_REASON}”）"
    if result.students_added:
        text += f"，新增家庭成员（学生）{result.students_added} 人"
    return text + f"，已有记录未重复导入 {result.unchanged} 条，跳过 {result.skipped} 行。"


__all__ = ["AID_IMPORT_FIELDS", "AID_SYNONYMS", "IMPORT_REASON", "AidImportPlan", "AidImportResult", "PlannedAid",
           "aid_import_command", "commit_import", "open_source", "plan_import", "plan_summary"]
