"""Importing historical hardship files (困难职工档案 / 困难职工花名册) from Excel or CSV.

One row per household: the household head (户主) is a member already in the roster. The same
three steps as the other importers (:mod:`gonghui_desk.importing.common`), so the same wizard
and command line drive it:

1. ``open_source(path)`` finds the header row and maps the columns (the synonyms are the
   headers upstream 困难职工花名册 use: 户主姓名, 困难类型, 致困原因, 帮扶级别…);
2. ``plan_import(db, source, mapping)`` finds every row's member (by ID number, or by name and,
   when given, 部门 — :class:`~gonghui_desk.importing.common.MemberMatcher`), reads the choices
   through common spellings (因病致困 → 因病, √ → 是…), and checks the row with
   :meth:`HardshipFileStore.normalize` (its hard errors become the row's problems). A closed
   file (脱困/注销) needs its date and reason: the import never invents a reason. A head who
   already has the same file (same 建档日期 and status) is "unchanged", with the fields that
   differ named in a warning (a closed file already there needs no reason on the sheet: the
   exported register has none); a head with another live file, or twice in the sheet, is an
   error. 家庭年总收入 and 家庭月人均收入 are computed from the incomes and the
   household size, never imported: when the sheet has them they are compared with the computed
   figures, and a difference is a warning;
3. ``commit_import(db, plan)`` opens the files in one transaction through
   :class:`HardshipFileStore` (a closed file is opened, then closed with the store's own
   :meth:`~HardshipFileStore.close_file`), all or nothing (unless the user chose to skip the
   invalid rows). A head who is not 在册 gets the reason "导入历史档案".

Family members are not on the sheet: they are entered in the file form afterwards, and the
computed incomes grow with them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import sqlite_utils

from gonghui_desk import value_lists
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError
from gonghui_desk.hardship.files import (CLOSE_KINDS, FILE_CHOICES, FILE_FIELD_LABELS, LIVE_STATUSES,
                                         MARITAL_STATUSES, FileInput, HardshipFileStore, household_annual_income,
                                         income_per_person)
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
    unreadable_cells,
)
from gonghui_desk.importing.headers import build_synonyms
from gonghui_desk.importing.spreadsheet import cell_text
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text

IMPORT_REASON = "导入历史档案"
IMPORT_STATUSES = ("在档", *CLOSE_KINDS)  # what the 档案状态 column may say; empty = 在档
CHECK_ONLY = ("annual_income", "income_per_person")  # computed figures: compared, never imported

HARDSHIP_IMPORT_FIELDS: dict[str, str] = {
    "name": "姓名", "id_number": "身份证号", "sub_unit": "部门",
    "category": "困难类别", "level": "建档标准", "main_cause": "主要致困原因", "secondary_cause": "次要致困原因",
    "health": "健康状况", "disability": "残疾类别", "housing_type": "住房类型", "housing_area": "住房面积",
    "medical_insurance": "医保状况", "marital_status": "婚姻状况", "single_parent": "是否单亲",
    "zero_employment": "是否零就业家庭", "monthly_income": "本人月收入", "other_annual_income": "家庭其他年收入",
    "household_size": "家庭人口", "bank_name": "开户银行", "bank_account": "银行卡号",
    "opened_on": "建档日期", "opened_by": "建档人", "checked_by": "审核人",
    "status": "档案状态", "closed_on": "脱困/注销日期", "close_reason": "脱困/注销原因",
    "annual_income": "家庭年总收入（仅核对）", "income_per_person": "家庭月人均收入（仅核对）",
    "notes": "备注",
}
REQUIRED_COLUMNS = ("name", "category", "main_cause", "opened_on")

HARDSHIP_SYNONYMS: dict[str, tuple[str, ...]] = build_synonyms(HARDSHIP_IMPORT_FIELDS, {
    "name": ("姓名", "户主姓名", "职工姓名", "困难职工姓名", "户主", "会员姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证", "户主身份证号", "户主身份证号码"),
    "sub_unit": ("部门", "单位", "工作单位", "所在单位", "所在部门", "科室", "分工会"),
    "category": ("困难类别", "困难类型", "困难程度", "困难职工类别", "困难职工类型", "类别"),
    "level": ("建档标准", "建档级别", "帮扶级别", "建档层级", "档案级别"),
    "main_cause": ("主要致困原因", "致困原因", "困难原因", "主要困难原因", "致困原因（主要）"),
    "secondary_cause": ("次要致困原因", "其他致困原因", "次要困难原因", "致困原因（次要）"),
    "health": ("健康状况", "身体状况", "本人健康状况"),
    "disability": ("残疾类别", "残疾类型", "残疾情况"),
    "housing_type": ("住房类型", "住房情况", "住房状况", "住房性质"),
    "housing_area": ("住房面积", "住房面积（平方米）", "住房面积（㎡）", "面积"),
    "medical_insurance": ("医保状况", "医疗保险", "医保情况", "参保情况", "医疗保险情况"),
    "marital_status": ("婚姻状况", "婚姻状态"),
    "single_parent": ("是否单亲", "单亲", "单亲家庭", "是否单亲家庭"),
    "zero_employment": ("是否零就业家庭", "是否零就业", "零就业家庭", "零就业"),
    "monthly_income": ("本人月收入", "月收入", "户主月收入", "职工月收入", "本人月收入（元）"),
    "other_annual_income": ("家庭其他年收入", "其他收入", "家庭其他收入", "其他年收入", "家庭其他年收入（元）"),
    "household_size": ("家庭人口", "家庭人数", "人口", "家庭人口数", "家庭成员人数"),
    "bank_name": ("开户银行", "开户行", "银行名称"),
    "bank_account": ("银行卡号", "银行账号", "卡号", "银行帐号", "账号", "帐号"),
    "opened_on": ("建档日期", "建档时间", "建档年月", "入档日期", "入档时间"),
    "opened_by": ("建档人", "建档人员"),
    "checked_by": ("审核人", "审核人员"),
    "status": ("档案状态", "状态", "建档状态"),
    "closed_on": ("脱困日期", "注销日期", "脱困/注销日期", "脱困时间", "注销时间", "脱困/注销时间"),
    "close_reason": ("脱困原因", "注销原因", "脱困/注销原因"),
    "annual_income": ("家庭年总收入", "家庭年收入", "家庭总收入", "年总收入"),
    "income_per_person": ("家庭月人均收入", "月人均收入", "人均月收入", "家庭人均月收入"),
    "notes": ("备注", "说明"),
})

# Common spellings of the configured choices (a spelling applies only when its value is configured).
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "hardship.category": {
        **dict.fromkeys(("特困职工", "特困户", "特困家庭", "特困职工家庭"), "特困"),
        **dict.fromkeys(("困难职工", "困难户", "困难家庭", "一般困难", "一般困难职工", "困难职工家庭"), "困难"),
        **dict.fromkeys(("低保", "低保家庭", "城市低保", "农村低保", "低保对象"), "低保户"),
        **dict.fromkeys(("低保边缘", "低保边缘家庭", "低边户", "低保边缘对象"), "低保边缘户"),
        **dict.fromkeys(("意外致困", "意外致困家庭", "意外"), "意外致困户"),
    },
    "hardship.level": {
        **dict.fromkeys(("全国", "国家级", "全总", "全总级"), "全国级"),
        **dict.fromkeys(("省", "省总", "省部级"), "省级"),
        **dict.fromkeys(("市", "地市级", "市总"), "市级"),
        **dict.fromkeys(("县", "区级", "县区级", "县(区)级", "县（区）级", "区县级"), "县级"),
        **dict.fromkeys(("基层工会", "本级", "企业", "单位", "基层级"), "基层"),
    },
    "hardship.cause": {
        **dict.fromkeys(("疾病", "患病", "大病", "重病", "生病", "因病致贫", "病"), "因病"),
        **dict.fromkeys(("残疾", "因残致贫", "残"), "因残"),
        **dict.fromkeys(("子女上学", "子女教育", "上学", "因学致贫", "学"), "因学"),
        **dict.fromkeys(("灾害", "自然灾害", "受灾", "因灾致贫", "灾"), "因灾"),
        **dict.fromkeys(("因意外", "意外事故", "突发意外", "意外伤害"), "意外"),
        **dict.fromkeys(("失业", "下岗", "失业下岗", "下岗失业", "因失业", "因下岗", "失业、下岗", "下岗/失业",
                         "失业或下岗"), "失业/下岗"),
        **dict.fromkeys(("单亲家庭", "因单亲"), "单亲"),
        "其它": "其他",
    },
    "hardship.health": {
        **dict.fromkeys(("良好", "健康良好", "身体健康"), "健康"),
        "差": "较差",
        **dict.fromkeys(("慢性病", "患慢性病", "长期患慢性病"), "长期慢性病"),
        **dict.fromkeys(("大病", "重病", "患重病", "重大疾病", "患重大疾病"), "患大病"),
        **dict.fromkeys(("残", "残疾人"), "残疾"),
    },
    "hardship.disability": {
        **dict.fromkeys(("否", "没有", "无残疾", "非残疾", "健全"), "无"),
        **dict.fromkeys(("视残", "视力"), "视力残疾"),
        **dict.fromkeys(("听残", "听力"), "听力残疾"),
        **dict.fromkeys(("言语", "语言残疾"), "言语残疾"),
        **dict.fromkeys(("肢残", "肢体"), "肢体残疾"),
        **dict.fromkeys(("智残", "智力"), "智力残疾"),
        **dict.fromkeys(("精神",), "精神残疾"),
        **dict.fromkeys(("多重",), "多重残疾"),
    },
    "hardship.housing": {
        **dict.fromkeys(("自有", "自有房", "自有房产", "自购房", "自建房", "商品房", "自住房"), "自有住房"),
        **dict.fromkeys(("公租房", "租公房", "租赁公房", "廉租房"), "租住公房"),
        **dict.fromkeys(("租私房", "租赁私房"), "租住私房"),
        **dict.fromkeys(("借住亲友", "借房", "借住亲友房屋"), "借住"),
        **dict.fromkeys(("宿舍", "职工宿舍"), "单位宿舍"),
        "其它": "其他",
    },
    "hardship.medical_insurance": {
        **dict.fromkeys(("职工医保", "城镇职工", "城镇职工医疗保险", "城镇职工基本医疗保险", "职工医疗保险"),
                        "城镇职工医保"),
        **dict.fromkeys(("居民医保", "城乡居民", "城镇居民医保", "城乡居民医疗保险", "城乡居民基本医疗保险",
                         "新农合", "新型农村合作医疗"), "城乡居民医保"),
        **dict.fromkeys(("无", "未参保", "没有", "否", "未参加"), "无医保"),
    },
}
MARITAL_ALIASES = {"离婚": "离异", "已婚已育": "已婚", "初婚": "已婚", "再婚": "已婚", "复婚": "已婚",
                   "未婚未育": "未婚"}
STATUS_ALIASES = {
    **dict.fromkeys(("正常", "有效", "建档", "已建档", "在册", "帮扶中", "在档帮扶"), "在档"),
    **dict.fromkeys(("已脱困", "脱贫", "已脱贫"), "脱困"),
    **dict.fromkeys(("已注销", "销档", "撤档", "已撤档"), "注销"),
}
YES_TEXTS = {"是", "√", "✓", "✔", "1", "y", "yes", "true", "是的", "有"}
NO_TEXTS = {"否", "×", "✗", "0", "n", "no", "false", "不是", "无", "/", "-", "—"}
# The fields whose choices are value lists: the import field -> FileInput field (the same key).
CHOICE_FIELDS = tuple(FILE_CHOICES)
# Import fields read as money, and the FileInput field each fills.
MONEY_FIELDS = {"monthly_income": "monthly_income_fen", "other_annual_income": "other_annual_income_fen"}
# What the "unchanged" check compares: import field -> stored column.
COMPARED = {**{key: key for key in (*CHOICE_FIELDS, "housing_area", "marital_status", "single_parent",
                                    "zero_employment", "household_size", "bank_name", "bank_account",
                                    "opened_by", "checked_by")}, **MONEY_FIELDS}
# The label of each problem's field: the sheet's columns (the check-only ones without their note),
# the file's own fields, and a few more.
PROBLEM_LABELS = {**FILE_FIELD_LABELS, **HARDSHIP_IMPORT_FIELDS, "annual_income": "家庭年总收入",
                  "income_per_person": "家庭月人均收入", "member_status": "会员状态", "existing": "已有档案",
                  "duplicate": "重复户主"}
_SIZE = re.compile(r"(\d+)\s*[人口]?")


@dataclass
class PlannedFile:
    row_number: int  # the file's row number (what Excel shows)
    action: str  # "new" (在档) | "history" (opened and closed: 脱困/注销) | "unchanged" | "invalid"
    name: str  # the head's name
    sub_unit_path: str  # the head's sub-unit, or the sheet's 部门 when no member matched
    category: str
    status: str  # 在档 / 脱困 / 注销 as the sheet says
    member_id: int | None
    data: FileInput | None  # what will be saved (None when the member is unknown)
    problems: list[RowProblem]
    closed_on: str | None = None  # ISO, for 脱困/注销
    close_reason: str = ""
    annual_income_fen: int = 0  # computed (the head's income and 家庭其他年收入; family members come later)
    income_per_person_fen: int = 0
    existing_file_id: int | None = None  # the file an "unchanged" row already is
    needs_reason: bool = False  # the head is not 在册: opened with the reason IMPORT_REASON

    @property
    def status_text(self) -> str:
        if self.status in CLOSE_KINDS and self.closed_on:
            return f"{self.status}（{self.closed_on}）"
        return self.status


@dataclass
class HardshipImportPlan(ImportPlanBase):
    ACTIONS = ("new", "history", "unchanged", "invalid")

    today: dt.date


def open_source(path, *, sheet: str | None = None, is_cancelled: IsCancelled | None = None) -> ImportSource:
    return read_source(path, HARDSHIP_SYNONYMS, sheet=sheet, is_cancelled=is_cancelled)


def plan_import(db: sqlite_utils.Database, source: ImportSource, mapping: dict[int, str] | None = None, *,
                progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                today: dt.date | None = None) -> HardshipImportPlan:
    """Check every data row and decide what it does. Reads the database, writes nothing."""
    mapping = dict(sorted((source.mapping if mapping is None else mapping).items()))
    check_mapping(mapping, source.headers, HARDSHIP_IMPORT_FIELDS, form_name="困难职工档案",
                  required=REQUIRED_COLUMNS)
    today = today or dt.date.today()
    planner = _RowPlanner(db, today, set(mapping.values()))
    rows = [planner.plan(row_number, raw) for row_number, raw in
            data_rows(source, mapping, HARDSHIP_SYNONYMS, progress=progress, is_cancelled=is_cancelled)]
    return HardshipImportPlan(source, mapping, rows, today)


# --- reading cells ---------------------------------------------------------------------------------------
def _plain(value) -> str:
    return re.sub(r"\s+", "", cell_text(value)).replace("／", "/")


def _choice(text: str, allowed: list[str], aliases: dict[str, str]) -> str | None:
    """The configured value ``text`` means, or None. A spelling counts only when its value is
    configured; 因病致困 and 意外致困户 lose their suffix, 肢体 gains 残疾 and 省 gains 级."""
    stripped = text.removesuffix("致困").removesuffix("致贫") if len(text) > 3 else text
    for candidate in (text, aliases.get(text), stripped, aliases.get(stripped), f"因{stripped}", f"{text}残疾",
                      f"{text}级", f"{text}户"):
        if candidate and candidate in allowed:
            return candidate
    return None


def _yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _plain(value).lower()
    if text in YES_TEXTS:
        return True
    if text in NO_TEXTS or not text:
        return False
    return None


def _money_text(fen: int) -> str:
    return f"{yuan_text(fen)} 元"


def _same_amount(typed_fen: int, computed_fen: int) -> bool:
    """Whether a typed figure is the computed one, allowing the sheet to round to 元 or 角."""
    if typed_fen == computed_fen:
        return True
    for unit in (100, 10):
        if typed_fen % unit == 0 and abs(typed_fen - computed_fen) * 2 <= unit:
            return True
    return False


class _Choices:
    """The configured value lists, read once per plan."""

    def __init__(self, db: sqlite_utils.Database):
        self.allowed = {key: value_lists.values(db, list_key) for key, list_key in FILE_CHOICES.items()}

    def read(self, key: str, raw, add) -> str:
        text = _plain(raw)
        if not text:
            return ""
        allowed = self.allowed[key]
        value = _choice(text, allowed, VALUE_ALIASES.get(FILE_CHOICES[key], {}))
        if value is None:
            label = PROBLEM_LABELS[key]
            add(key, f"“{cell_text(raw)}”不是可选的{label}（可选：{'、'.join(allowed)}）；"
                     "如确需使用，请先在“设置 → 选项表”中添加")
            return ""
        return value


class _ExistingFiles:
    """Every member's files (voided ones left out), loaded once."""

    def __init__(self, db: sqlite_utils.Database):
        self.by_member: dict[int, list[dict]] = {}
        for row in db.query("SELECT * FROM hardship_files WHERE voided_at IS NULL ORDER BY opened_on, id"):
            self.by_member.setdefault(row["member_id"], []).append(row)

    def of(self, member_id: int) -> list[dict]:
        return self.by_member.get(member_id, [])


def _describe(file: dict) -> str:
    """"编号 3，2024-03-01 建档，2025-06-30 脱困" of a stored file."""
    text = f"编号 {file['id']}，{file['opened_on']} 建档"
    if file["status"] in CLOSE_KINDS:
        text += f"，{file['closed_on']} {file['status']}"
    else:
        text += f"，{file['status']}"
    return text


# --- checking rows ---------------------------------------------------------------------------------------
class _RowPlanner:
    def __init__(self, db: sqlite_utils.Database, today: dt.date, mapped: set[str]):
        self.today = today
        self.mapped = mapped
        self.store = HardshipFileStore(db, today=today)
        self.members = MemberMatcher(db, record="困难职工档案")
        self.choices = _Choices(db)
        self.existing = _ExistingFiles(db)
        self.first_row_of: dict[int, int] = {}

    def plan(self, row_number: int, raw: dict) -> PlannedFile:
        problems: list[RowProblem] = []

        def add(key: str, message: str, severity: str = "error") -> None:
            problems.append(RowProblem(row_number, key, PROBLEM_LABELS[key], message, severity))

        for key, message in unreadable_cells(raw):
            add(key, message)

        # the household head
        name = person_name(raw.get("name"))
        unit_text = cell_text(raw.get("sub_unit"))
        id_raw = raw.get("id_number")
        member = self.members.find(name, id_raw, unit_text, add) if name or id_raw is not None else None
        if not name and id_raw is None:
            add("name", "户主姓名不能为空")
        if member is not None:
            first = self.first_row_of.setdefault(member["id"], row_number)
            if first != row_number:
                add("duplicate", f"与第{first}行是同一户主（{member['name']}），一户在表中只能有一行；"
                                 "请核对是否重复填写")

        # the file's fields
        for key in ("category", "main_cause"):
            if raw.get(key) is None:
                add(key, f"请填写{PROBLEM_LABELS[key]}")
        data = FileInput(member_id=member["id"] if member else 0)
        for key in CHOICE_FIELDS:
            setattr(data, key, self.choices.read(key, raw.get(key), add))
        data.marital_status = self._marital(raw, add)
        for key in ("single_parent", "zero_employment"):
            setattr(data, key, self._yes_no(raw, key, add))
        for key, target in MONEY_FIELDS.items():
            setattr(data, target, self._money(raw, key, add) or 0)
        data.household_size = self._household_size(raw, add)
        data.housing_area = cell_text(raw.get("housing_area"))
        data.bank_account = self._bank_account(raw, add)
        data.opened_on = raw.get("opened_on")
        for key in ("bank_name", "opened_by", "checked_by", "notes"):
            setattr(data, key, cell_text(raw.get(key)))
        values, errors = self.store.normalize(data)
        reported = {p.field for p in problems}
        for error in errors:
            if error.field != "member_id" and error.field not in reported:
                add(error.field, error.message)
        status, closed_on, reason = self._closing(raw, values["opened_on"], add)

        # the computed incomes, and the sheet's own figures compared with them
        annual = household_annual_income(values["monthly_income_fen"] or 0, values["other_annual_income_fen"] or 0, [])
        size = values["household_size"] if isinstance(values["household_size"], int) else 1
        per_person = income_per_person(annual, size)
        self._compare_incomes(raw, annual, per_person, add)

        row = PlannedFile(row_number, "invalid", member["name"] if member else name,
                          self.members.path_of(member) if member else unit_text, data.category or _plain(
                              raw.get("category")), status, member["id"] if member else None,
                          data if member else None, problems, closed_on, reason, annual, per_person)
        # a missing 脱困/注销原因 does not matter when the file is already there (an exported register has none)
        if any(p.severity == "error" and p.field != "close_reason" for p in problems):
            return row
        if self._against_existing(row, values, add):
            if row.action == "unchanged":
                problems[:] = [p for p in problems if p.field != "close_reason"]
            return row
        if any(p.severity == "error" for p in problems):
            return row
        if member["status"] != "在册":
            row.needs_reason = True
            add("member_status", f"{member['name']}目前的会员状态为“{member['status']}”，不是在册会员"
                                 f"（导入时将注明“{IMPORT_REASON}”）", "warning")
        row.action = "history" if status in CLOSE_KINDS else "new"
        return row

    # --- fields --------------------------------------------------------------------------------------------
    @staticmethod
    def _marital(raw: dict, add) -> str:
        text = _plain(raw.get("marital_status"))
        value = MARITAL_ALIASES.get(text, text)
        if value and value not in MARITAL_STATUSES:
            add("marital_status", f"“{cell_text(raw.get('marital_status'))}”应为：{'、'.join(MARITAL_STATUSES)}")
            return ""
        return value

    @staticmethod
    def _yes_no(raw: dict, key: str, add) -> bool:
        answer = _yes_no(raw.get(key))
        if answer is None:
            add(key, f"“{cell_text(raw.get(key))}”应填“是”或“否”（也可填“√”，不填视为“否”）")
            return False
        return answer

    @staticmethod
    def _money(raw: dict, key: str, add) -> int | None:
        try:
            return parse_money(raw.get(key))
        except MoneyParseError as exc:
            add(key, str(exc))
            return None

    @staticmethod
    def _household_size(raw: dict, add) -> int | None:
        value = raw.get("household_size")
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        match = _SIZE.fullmatch(_plain(value))
        if match:
            return int(match[1])
        add("household_size", f"“{cell_text(value)}”不是人数，家庭人口请填写整数（如 3）")
        return None

    @staticmethod
    def _bank_account(raw: dict, add) -> str:
        value = raw.get("bank_account")
        if isinstance(value, float) or (isinstance(value, int) and len(str(abs(value))) > 15):
            add("bank_account", f"银行卡号以数字格式保存（{value:.15g}），表格只保留15位有效数字，末几位已丢失；"
                                "请把该列设为“文本”格式后重新填写")
            return ""
        return cell_text(value)

    def _closing(self, raw: dict, opened_on: str | None, add) -> tuple[str, str | None, str]:
        """(档案状态, 脱困/注销日期, 原因) of the row; a closed file needs its date and reason."""
        text = _plain(raw.get("status"))
        status = STATUS_ALIASES.get(text, text) or "在档"
        reason = cell_text(raw.get("close_reason"))
        try:
            day = parse_date(raw.get("closed_on"))
        except DateParseError as exc:
            add("closed_on", str(exc))
            day = None
        else:
            if day and day > self.today:
                add("closed_on", f"{status if status in CLOSE_KINDS else '脱困/注销'}日期 {day.isoformat()} 晚于今天")
                day = None
        closed_on = day.isoformat() if day else None
        if status not in IMPORT_STATUSES:
            add("status", f"“{cell_text(raw.get('status'))}”不是有效的档案状态，应为：{'、'.join(IMPORT_STATUSES)}"
                          "（不填视为在档）")
            return text, closed_on, reason
        if status == "在档":
            if raw.get("closed_on") is not None or reason:
                add("status", "填写了脱困/注销日期或原因，但档案状态为“在档”；已脱困或注销的档案请在档案状态中填写"
                              "“脱困”或“注销”")
            return status, None, ""
        if raw.get("closed_on") is None:
            add("closed_on", f"档案状态为“{status}”，请填写{status}日期")
        elif closed_on and opened_on and closed_on < opened_on:
            add("closed_on", f"{status}日期 {closed_on} 早于建档日期 {opened_on}")
        if not reason:
            add("close_reason", f"档案状态为“{status}”，请填写{status}原因（导入时不会代填）")
        return status, closed_on, reason

    def _compare_incomes(self, raw: dict, annual: int, per_person: int, add) -> None:
        """Warn when the sheet's 家庭年总收入 / 家庭月人均收入 differ from the computed figures."""
        if not self.mapped & set(MONEY_FIELDS):
            return  # nothing to compute them from
        for key, computed in (("annual_income", annual), ("income_per_person", per_person)):
            if raw.get(key) is None:
                continue
            try:
                typed = parse_money(raw.get(key))
            except MoneyParseError as exc:
                add(key, f"无法核对：{exc}（该列由程序计算，不导入）", "warning")
                continue
            if typed is not None and not _same_amount(typed, computed):
                add(key, f"表中为 {_money_text(typed)}，按本人月收入、家庭其他年收入和家庭人口计算为 "
                         f"{_money_text(computed)}；导入后以计算值为准（家庭成员的月收入在档案中补录后会计入）",
                    "warning")

    # --- the head's files already in the database -----------------------------------------------------
    def _against_existing(self, row: PlannedFile, values: dict, add) -> bool:
        """Mark the row "unchanged" or add an error when the head already has files; True when decided."""
        opened_on = values["opened_on"]
        files = self.existing.of(row.member_id)
        live = next((f for f in files if f["status"] in LIVE_STATUSES), None)
        same = next((f for f in files if f["opened_on"] == opened_on), None)
        if same is not None:
            if (same["status"] in LIVE_STATUSES and row.status == "在档") or (
                    same["status"] == row.status and same["closed_on"] == row.closed_on):
                row.action = "unchanged"
                row.existing_file_id = same["id"]
                differences = self._differences(same, values)
                note = (f"；表中与档案不同的项：{'，'.join(differences)}，如需更正请在档案中修改" if differences else "")
                add("existing", f"{row.name}已有这份档案（{_describe(same)}），不再重复导入{note}", "warning")
                return True
            if same["status"] in LIVE_STATUSES:
                add("existing", f"{row.name}的这份档案（{_describe(same)}）在系统中仍有效，表中为"
                                f"{row.closed_on} {row.status}；如该户已{row.status}，请在档案中办理{row.status}")
            else:
                shown = f"{row.closed_on} {row.status}" if row.status in CLOSE_KINDS else "在档"
                add("existing", f"{row.name}的这份档案（{_describe(same)}）与表中（{shown}）不一致，请核对档案状态和"
                                "脱困/注销日期")
            return True
        if live is not None:
            if row.status == "在档":
                add("existing", f"{row.name}已有一份{live['status']}的档案（{_describe(live)}），与表中的建档日期 "
                                f"{opened_on} 不同；一户只能有一份有效档案。请核对建档日期，或先将原档案脱困或注销后再导入")
            else:
                add("existing", f"{row.name}已有一份{live['status']}的档案（{_describe(live)}），有效档案之外不能再补录"
                                f"往期档案（表中 {opened_on} 建档，{row.closed_on} {row.status}）")
            return True
        end = row.closed_on or self.today.isoformat()
        for other in files:
            if opened_on < other["closed_on"] and other["opened_on"] < end:
                add("existing", f"与{row.name}已有的档案（{_describe(other)}）时间重叠，请核对建档日期和脱困/注销日期")
                return True
        return False

    def _differences(self, stored: dict, values: dict) -> list[str]:
        """"困难类别（表中“特困”，档案中“困难”）" for each mapped field the sheet has otherwise."""
        out = []
        for key, column in COMPARED.items():
            if key not in self.mapped:
                continue
            new, old = values[column], stored[column]
            if new == old:
                continue
            if column.endswith("_fen"):
                new, old = _money_text(new or 0), _money_text(old or 0)
            elif key in ("single_parent", "zero_employment"):
                new, old = ("是" if new else "否"), ("是" if old else "否")
            out.append(f"{PROBLEM_LABELS[key]}（表中“{new}”，档案中“{old}”）")
        return out


# --- committing ------------------------------------------------------------------------------------------
@dataclass
class HardshipImportResult:
    created: int  # files opened 在档
    history: int  # files opened and closed (脱困/注销)
    unchanged: int
    skipped: int
    with_reason: int  # heads not 在册, opened with the reason IMPORT_REASON


def commit_import(db: sqlite_utils.Database, plan: HardshipImportPlan, *, skip_invalid: bool = False,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> HardshipImportResult:
    """Open the plan's files in one transaction; on any error or a cancel nothing is written.

    ``transaction()`` joins an outer transaction, so the store's own ``open_file`` and
    ``close_file`` write inside this one: an error or a cancel anywhere rolls back every row."""
    counts = plan.counts()
    if counts["invalid"] and not skip_invalid:
        raise ImportBlocked(f"有 {counts['invalid']} 行数据有问题，为保证档案完整，本次没有导入任何数据。"
                            "请修改文件后重新导入，或选择跳过有问题的行。")
    progress = progress or no_progress
    store = HardshipFileStore(db, today=plan.today)
    to_write = [row for row in plan.rows if row.action in ("new", "history")]
    total = len(to_write)
    created = history = with_reason = 0
    with transaction(db):
        for done, row in enumerate(to_write):
            if done % PROGRESS_INTERVAL == 0:
                check_cancel(is_cancelled)
                progress(done, total, f"正在导入第 {done + 1}/{total} 户…")
            try:
                file_id = store.open_file(row.data, override_reason=IMPORT_REASON)
                if row.action == "history":
                    store.close_file(file_id, row.status, row.closed_on, row.close_reason)
            except UserError as exc:  # ValidationError, RuleOverrideRequired, a live file since the check
                raise UserError(f"第{row.row_number}行：{exc}。数据库在检查之后被修改过，本次没有导入任何数据，"
                                "请重新检查后再导入。") from exc
            if row.action == "history":
                history += 1
            else:
                created += 1
            with_reason += row.needs_reason
        check_cancel(is_cancelled)
    progress(total, total, "导入完成")
    return HardshipImportResult(created=created, history=history, unchanged=counts["unchanged"],
                                skipped=counts["invalid"], with_reason=with_reason)


# --- command line ------------------------------------------------------------------------------------------
def hardship_import_command(db_path, file, *, dry_run: bool, skip_invalid: bool, out: TextIO) -> int:
    """``gonghui-desk hardship import``: check the sheet, print the plan and its problems, write it."""
    return run_import_command(db_path, file, open_source=open_source, plan_import=plan_import,
                              commit_import=commit_import, print_plan=_print_plan, result_text=_result_text,
                              dry_run=dry_run, skip_invalid=skip_invalid, out=out)


def _print_plan(plan: HardshipImportPlan, out: TextIO) -> None:
    print_source(plan, HARDSHIP_IMPORT_FIELDS, out)
    counts = plan.counts()
    print(f"检查结果：新建在档档案 {counts['new']} 户，历史档案（已脱困/注销）{counts['history']} 户，"
          f"已有档案（不再导入）{counts['unchanged']} 户，有问题 {counts['invalid']} 行。", file=out)
    print_problems(plan, out)


def _result_text(result: HardshipImportResult) -> str:
    text = f"导入完成：新建在档档案 {result.created} 户，历史档案 {result.history} 户"
    if result.with_reason:
        text += f"（其中 {result.with_reason} 户户主不是在册会员，已注明“{IMPORT_REASON}”）"
    return text + f"，已有档案未重复导入 {result.unchanged} 户，跳过 {result.skipped} 行。"


# --- the blank template ------------------------------------------------------------------------------------
TEMPLATE_TITLE = "困难职工档案导入模板"
TEMPLATE_FIELDS = tuple(key for key in HARDSHIP_IMPORT_FIELDS if key not in CHECK_ONLY)
TEMPLATE_HEADER_ROW = 3
TEMPLATE_ROWS = 500
TEMPLATE_NOTE = ("每行一户（户主须已在会员名册中）；家庭成员在导入后到档案中补录。档案状态不填视为在档，已脱困或注销的"
                 "请同时填写日期和原因。家庭年总收入和月人均收入由程序计算，不必填写。")
_TEMPLATE_WIDTHS = {"name": 10, "id_number": 22, "sub_unit": 14, "bank_account": 24, "close_reason": 18, "notes": 20}
_TEMPLATE_TEXT = ("id_number", "bank_account")
_TEMPLATE_DATES = ("opened_on", "closed_on")


def write_hardship_template(path, db: sqlite_utils.Database | None = None) -> Path:
    """Write a blank import template (.xlsx): a title, one instruction line and the header row,
    with 身份证号 and 银行卡号 formatted as text and the choices as drop-down lists (the
    database's configured lists when ``db`` is given, else the default ones)."""
    from gonghui_desk.importing.templates import template_lists, write_template

    lists = template_lists(db, FILE_CHOICES)
    lists.update(marital_status=list(MARITAL_STATUSES), single_parent=["是", "否"], zero_employment=["是", "否"],
                 status=list(IMPORT_STATUSES))
    return write_template(path, sheet="困难职工档案", title=TEMPLATE_TITLE, note=TEMPLATE_NOTE,
                          fields={key: HARDSHIP_IMPORT_FIELDS[key] for key in TEMPLATE_FIELDS},
                          header_row=TEMPLATE_HEADER_ROW, rows=TEMPLATE_ROWS, lists=lists, widths=_TEMPLATE_WIDTHS,
                          default_width=13, text=_TEMPLATE_TEXT, dates=_TEMPLATE_DATES)
