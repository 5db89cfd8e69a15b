"""The records that can fill a form's rows: the roster with a filter, a campaign's recipients, the hardship
register, aid payments or care visits in a period, honours, an event's awards or participants, a session's
proposals or delegates.

Each is a :class:`RecordSource`: a key ("roster"), a Chinese label, its fields (key -> label and kind, see
:mod:`gonghui_desk.form_fill.fields`), its parameters (:class:`SourceParam`: what a wizard page or the
command line asks for, with defaults and the choices a combo box shows) and a function yielding one dict
per row, keyed by the field keys. The rows come from the queries the exports already use (the roster's
``iter_members``, ``iter_file_rows``, ``iter_aid``, ``iter_ledger``, ``iter_honour_rows``, ``award_list``,
``summary_records``…), read in batches, so tens of thousands of rows stream to the writer. A source about
people adds each person's member fields (性别, 身份证号, 出生日期, 年龄…), looked up 500 members at a time.

Parameters are plain JSON values (ids, texts, ISO dates, booleans) so a saved mapping keeps them;
:meth:`RecordSource.resolve` fills in the defaults and turns the command line's texts ("一车间", "是",
"2026春节送温暖") into them, with a Chinese message naming the parameter when it cannot.
ID and bank numbers are written in full: the upstream union's own form asks for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

import sqlite_utils

from gonghui_desk.dates import DateParseError, age_on, parse_date
from gonghui_desk.db.batches import rows_by_id
from gonghui_desk.errors import UserError
from gonghui_desk.exporting.member_roster import sub_unit_placements
from gonghui_desk.exporting.xlsx import Column
from gonghui_desk.form_fill.fields import (MEMBER_FIELDS, MEMBER_VARIANTS, SEQ_FIELD, SEQ_KEY, merge_variants, renamed,
                                          synonym_table)
from gonghui_desk.members import SEXES, STATUSES
from gonghui_desk.union import descendant_ids, find_sub_unit_by_path, load_profile, sub_units

ALL = "全部"  # the choice that filters nothing
YES, NO = "是", "否"
_TRUE_TEXTS = {"1", "是", "y", "yes", "true", "on", "√"}
_FALSE_TEXTS = {"0", "否", "n", "no", "false", "off", "×", ""}
MEMBER_BATCH = 500

Options = Callable[[sqlite_utils.Database], list[tuple[Any, str]]]
RowsFunction = Callable[[sqlite_utils.Database, dict, dt.date], Iterable[dict]]


@dataclass(frozen=True)
class SourceParam:
    """One parameter of a source. ``kind``: text, choice (one of :meth:`choices`), bool, date (ISO text),
    int, sub_unit (a sub-unit id; its descendants are included) or record (the id of a campaign, an event,
    a session… one of :meth:`choices`). ``default`` may be a function of the database (the latest session)."""

    key: str
    label: str
    kind: str = "text"
    default: Any = None
    required: bool = False
    options: Options | None = None
    help: str = ""
    mention_default: bool = True  # False: :meth:`RecordSource.describe` leaves it out while it has its default

    def choices(self, db: sqlite_utils.Database) -> list[tuple[Any, str]]:
        """(value, text) pairs for a combo box: the choices, the sub-units by path, the records by name."""
        if self.kind == "sub_unit":
            return [(u.id, u.path) for u in sub_units(db)]
        if self.kind == "bool":
            return [(True, YES), (False, NO)]
        return self.options(db) if self.options else []

    def default_value(self, db: sqlite_utils.Database) -> Any:
        return self.default(db) if callable(self.default) else self.default

    def convert(self, db: sqlite_utils.Database, value: Any) -> Any:
        """``value`` (typed by a GUI, or text from the command line) as this parameter's JSON value."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE_TEXTS or text in _FALSE_TEXTS:
                return text in _TRUE_TEXTS
            raise UserError(f"参数“{self.label}”应为“是”或“否”，而不是“{value}”")
        if self.kind == "int":
            try:
                return int(str(value).strip())
            except ValueError:
                raise UserError(f"参数“{self.label}”应为整数，而不是“{value}”") from None
        if self.kind == "date":
            try:
                day = parse_date(value)
            except DateParseError:
                day = None
            if day is None:
                raise UserError(f"参数“{self.label}”应为日期（如 2026-01-31），而不是“{value}”")
            return day.isoformat()
        if self.kind == "sub_unit":
            return self._sub_unit(db, value)
        if self.kind in ("choice", "record"):
            return self._choice(db, value)
        return str(value).strip()

    def _sub_unit(self, db, value) -> int:
        ids = {u.id for u in sub_units(db)}
        text = str(value).strip()
        if isinstance(value, int) or text.isdigit():
            if int(text) in ids:
                return int(text)
        else:
            found = find_sub_unit_by_path(db, text)
            if found is not None:
                return found
        raise UserError(f"参数“{self.label}”：没有找到部门“{value}”（可写完整路径，如“一车间/甲班”）")

    def _choice(self, db, value) -> Any:
        choices = self.choices(db)
        for choice, text in choices:
            if value == choice or str(value).strip() in (str(choice), text):
                return choice
        text = str(value).strip()
        named = [choice for choice, label in choices if label.partition("（")[0] == text]  # 名称（日期，人数）
        if len(named) == 1:
            return named[0]
        starting = [choice for choice, label in choices if label.startswith(text)]
        if len(starting) == 1:
            return starting[0]
        listed = "、".join(label for _, label in choices[:12]) or "（没有可选的记录）"
        raise UserError(f"参数“{self.label}”不能是“{value}”；可选：{listed}")


@dataclass(frozen=True)
class RecordSource:
    """A kind of records that fills a form's rows; see the module text. Use :func:`get_source`."""

    key: str
    label: str
    description: str
    fields: tuple[Column, ...]
    params: tuple[SourceParam, ...]
    row_function: RowsFunction
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    count_function: Callable[[sqlite_utils.Database, dict, dt.date], int] | None = None
    synonyms: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "synonyms", synonym_table(self.fields, self.variants))

    def field(self, key: str) -> Column | None:
        """The field (a :class:`Column`) of ``key``; 序号 is a field of every source."""
        if key == SEQ_KEY:
            return SEQ_FIELD
        return next((f for f in self.fields if f.key == key), None)

    def field_label(self, key: str) -> str:
        found = self.field(key)
        return found.label if found else key

    def param(self, key: str) -> SourceParam | None:
        return next((p for p in self.params if p.key == key), None)

    def resolve(self, db: sqlite_utils.Database, params: Mapping[str, Any] | None = None) -> dict:
        """Every parameter's value: the given ones converted, the others their defaults. An unknown
        parameter or a missing required one is a :class:`UserError`."""
        given = dict(params or {})
        unknown = [key for key in given if self.param(key) is None]
        if unknown:
            names = "、".join(f"{p.key}（{p.label}）" for p in self.params) or "无"
            raise UserError(f"“{self.label}”没有参数 {'、'.join(unknown)}；可用的参数：{names}")
        resolved = {}
        for param in self.params:
            value = param.convert(db, given[param.key]) if param.key in given else None
            if value is None:
                value = param.default_value(db)
            if value is None and param.required:
                choices = "、".join(text for _, text in param.choices(db)[:12])
                raise UserError(f"请选择“{self.label}”的“{param.label}”" + (f"（可选：{choices}）" if choices else
                                                                          "：数据库中还没有可选的记录"))
            resolved[param.key] = value
        return resolved

    def rows(self, db: sqlite_utils.Database, params: Mapping[str, Any] | None = None,
             today: dt.date | None = None) -> Iterator[dict]:
        """The rows for ``params`` (resolved here), one dict per form row keyed by the field keys."""
        resolved = self.resolve(db, params)
        return iter(self.row_function(db, resolved, today or dt.date.today()))

    def count(self, db: sqlite_utils.Database, params: Mapping[str, Any] | None = None,
              today: dt.date | None = None) -> int | None:
        """How many rows :meth:`rows` gives, when it can be counted cheaply (for the progress bar)."""
        if self.count_function is None:
            return None
        return self.count_function(db, self.resolve(db, params), today or dt.date.today())

    def describe(self, db: sqlite_utils.Database, params: Mapping[str, Any] | None = None) -> str:
        """"会员名册（状态：在册；部门：一车间）": the source and its parameters in words."""
        resolved = self.resolve(db, params)
        parts = []
        for param in self.params:
            value = resolved.get(param.key)
            if value is None or value is False or value == "":
                continue
            if not param.mention_default and value == param.default_value(db):
                continue
            if param.kind == "bool":
                text = YES
            elif param.kind in ("choice", "record", "sub_unit"):
                text = next((label for choice, label in param.choices(db) if choice == value), str(value))
            else:
                text = str(value)
            parts.append(f"{param.label}：{text}")
        return self.label + (f"（{'；'.join(parts)}）" if parts else "")


# --- the person's own fields -------------------------------------------------------------------------------
def _years(iso: str | None, today: dt.date) -> int | None:
    if not iso:
        return None
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return None
    return max(age_on(day, today), 0)


class MemberShaper:
    """A member row (``SELECT m.*``) as the values of :data:`MEMBER_FIELDS`."""

    def __init__(self, db: sqlite_utils.Database, today: dt.date):
        self.placements = sub_unit_placements(db)
        self.union_name = load_profile(db).name
        self.today = today

    def __call__(self, member: dict) -> dict:
        row = dict(member)
        row["sub_unit"], row["union_group"] = self.placements.get(member["sub_unit_id"], ("", ""))
        row["is_migrant_worker"] = YES if member["is_migrant_worker"] else NO
        row["age"] = _years(member["birth_date"], self.today)
        row["membership_years"] = _years(member["join_date"], self.today)
        row["union_name"] = self.union_name
        return row


def with_members(db: sqlite_utils.Database, records: Iterable[dict], today: dt.date, *,
                 id_key: str = "member_id") -> Iterator[dict]:
    """Each record with its member's fields underneath (the record's own values win), the members read
    :data:`MEMBER_BATCH` at a time; a record without a member keeps only its own values."""
    shape = MemberShaper(db, today)
    chunk: list[dict] = []

    def flush() -> Iterator[dict]:
        ids = {r[id_key] for r in chunk if r.get(id_key)}
        members = rows_by_id(db, "SELECT m.* FROM members m", "m.id", list(ids)) if ids else {}
        for record in chunk:
            member = members.get(record.get(id_key))
            yield {**shape(member), **record} if member else record
        chunk.clear()

    for record in records:
        chunk.append(record)
        if len(chunk) >= MEMBER_BATCH:
            yield from flush()
    yield from flush()


def person_fields(own: tuple[Column, ...], labels: Mapping[str, str] | None = None) -> tuple[Column, ...]:
    """A source's own fields, then the member fields it does not have itself; a member field whose label
    one of the source's fields also uses is called "会员…" (会员备注, 会员状态)."""
    labels = dict(labels or {})
    own_keys = {c.key for c in own}
    own_labels = {c.label for c in own}
    members = []
    for column in MEMBER_FIELDS:
        if column.key in own_keys:
            continue
        label = labels.get(column.key, column.label)
        if label in own_labels:
            label = f"会员{label}"
        members.append(Column(column.key, label, column.width, column.kind))
    return (*own, *members)


def _expand(db, unit_id: int | None) -> tuple[int, ...] | None:
    return tuple(descendant_ids(db, unit_id)) if unit_id is not None else None


def _statuses(value) -> tuple[str, ...] | None:
    return None if value in (None, ALL) else (value,)


def _choices(values: Iterable[str], *, everything: bool = True) -> Options:
    listed = [(v, v) for v in values]
    return lambda db: ([(ALL, ALL)] if everything else []) + listed


def _value_list(key: str) -> Options:
    def options(db):
        from gonghui_desk.value_lists import values

        return [(v, v) for v in values(db, key)]
    return options


def _money(fen) -> int | None:
    return fen or None


# --- 会员名册 ----------------------------------------------------------------------------------------------
def _roster_filter(db, p: dict):
    from gonghui_desk.db.member_queries import MemberFilter

    return MemberFilter(status=None if p["status"] in (None, ALL) else p["status"],
                        sub_unit_ids=_expand(db, p["sub_unit"]), sex=p["sex"],
                        migrant=True if p["migrant"] else None)


def _roster_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.db.member_queries import iter_members

    shape = MemberShaper(db, today)
    for member in iter_members(db, _roster_filter(db, p), order=p["order"] or "name", today=today):
        yield shape(member)


def _roster_count(db, p: dict, today: dt.date) -> int:
    from gonghui_desk.db.member_queries import count_members

    return count_members(db, _roster_filter(db, p), today)


ROSTER = RecordSource(
    "roster", "会员名册", "名册中的会员，可按状态（默认在册）、部门、性别筛选",
    MEMBER_FIELDS,
    (SourceParam("status", "状态", "choice", default="在册", options=_choices(STATUSES),
                 help="在册、退休、转出、退会、去世或全部"),
     SourceParam("sub_unit", "部门", "sub_unit", help="只填该部门（含下级）的会员"),
     SourceParam("sex", "性别", "choice", options=_choices(SEXES, everything=False), help="只填男会员或女会员"),
     SourceParam("migrant", "只含农民工", "bool", default=False),
     SourceParam("order", "排序", "choice", default="name",
                 options=lambda db: [("name", "按姓名拼音"), ("sub_unit", "按部门"), ("join_date", "按入会日期")],
                 mention_default=False)),
    _roster_rows, MEMBER_VARIANTS, _roster_count)


# --- a campaign's recipients (批量慰问名单) -----------------------------------------------------------------
def _campaign_options(db) -> list[tuple[int, str]]:
    from gonghui_desk.care.campaigns import list_campaigns

    return [(c["id"], f"{c['name']}（{c['campaign_date']}，{c['recipient_count']}人）")
            for c in list_campaigns(db) if not c["voided_at"]]


def _campaign_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.care.campaigns import amount_text, campaign_recipients, get_campaign

    campaign = get_campaign(db, p["campaign"])
    if campaign is None or campaign["voided_at"]:
        raise UserError(f"慰问批次 {p['campaign']} 不存在或已作废")
    common = {"campaign_name": campaign["name"], "campaign_date": campaign["campaign_date"],
              "occasion_name": campaign["occasion_name"], "fund_source": campaign["fund_source"],
              "payment_form": campaign["payment_form"]}
    records = ({**common, "member_id": r["member_id"], "cash": _money(r["cash_fen"]), "goods_desc": r["goods_desc"],
                "goods_value": _money(r["goods_value_fen"]),
                "total": _money(r["cash_fen"] + r["goods_value_fen"]),
                "amount_text": amount_text(r["cash_fen"], r["goods_desc"], r["goods_value_fen"]),
                "signed_text": ("已签收" if r["signed"] else "未签收") if r["visit_id"] else ""}
               for r in campaign_recipients(db, p["campaign"]))
    return with_members(db, records, today)


def _import_synonyms(module: str, name: str) -> dict:
    import importlib

    return getattr(importlib.import_module(f"gonghui_desk.importing.{module}"), name)


def _campaign_source() -> RecordSource:
    visit = _import_synonyms("visit_import", "VISIT_SYNONYMS")
    own = (Column("campaign_name", "慰问批次"), Column("campaign_date", "发放日期", kind="date"),
           Column("occasion_name", "慰问类别"), Column("cash", "慰问金", kind="money"), Column("goods_desc", "慰问品"),
           Column("goods_value", "慰问品价值", kind="money"), Column("total", "合计金额", kind="money"),
           Column("amount_text", "金额/物品"), Column("payment_form", "发放形式"), Column("fund_source", "经费来源"),
           Column("signed_text", "签收"))
    variants = merge_variants(
        renamed(visit, {"cash": "cash", "goods_desc": "goods_desc", "goods_value": "goods_value",
                        "fund_source": "fund_source", "payment_form": "payment_form", "signed_text": "signed",
                        "occasion_name": "occasion", "campaign_date": "visit_date"}),
        {"campaign_name": ("慰问批次", "批次", "活动名称", "慰问活动"), "campaign_date": ("发放时间", "发放日期"),
         "total": ("合计金额", "合计", "小计", "慰问金额合计", "金额合计"),
         "amount_text": ("金额/物品", "慰问金/慰问品", "发放内容", "慰问内容", "慰问金（物）", "慰问金(物)"),
         "name": ("慰问对象", "慰问对象姓名", "受慰问人", "被慰问人", "领取人")},
        MEMBER_VARIANTS)
    return RecordSource(
        "campaign", "批量慰问名单", "一个慰问批次（春节送温暖、夏送清凉…）的慰问名单和金额",
        person_fields(own), (SourceParam("campaign", "慰问批次", "record", required=True, options=_campaign_options),),
        _campaign_rows, variants)


# --- 困难职工档案 --------------------------------------------------------------------------------------------
_HARDSHIP_STATUSES = ("在档", "申请中", "脱困", "注销")


def _hardship_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.hardship.register import FileFilter, iter_file_rows

    f = FileFilter(status=_statuses(p["status"]), category=p["category"], main_cause=p["main_cause"],
                   sub_unit_ids=_expand(db, p["sub_unit"]))
    records = ({"member_id": r["member_id"], "category": r["category"], "level": r["level"],
                "main_cause": r["main_cause"], "secondary_cause": r["secondary_cause"], "health": r["health"],
                "disability": r["disability"], "housing_type": r["housing_type"], "housing_area": r["housing_area"],
                "medical_insurance": r["medical_insurance"], "marital_status": r["marital_status"],
                "single_parent": YES if r["single_parent"] else NO,
                "zero_employment": YES if r["zero_employment"] else NO,
                "monthly_income": r["monthly_income_fen"], "other_annual_income": r["other_annual_income_fen"],
                "household_annual_income": r["household_annual_income_fen"],
                "income_per_person": r["monthly_income_per_person_fen"], "household_size": r["household_size"],
                "bank_name": r["bank_name"], "bank_account": r["bank_account"], "opened_on": r["opened_on"],
                "opened_by": r["opened_by"], "checked_by": r["checked_by"], "last_review": r["last_review_date"],
                "next_review": r["next_review_due"], "file_status": r["status"], "closed_on": r["closed_on"],
                "close_reason": r["close_reason"], "file_notes": r["notes"]}
               for r in iter_file_rows(db, f, today=today))
    return with_members(db, records, today)


def _hardship_source() -> RecordSource:
    hardship = _import_synonyms("hardship_import", "HARDSHIP_SYNONYMS")
    own = (Column("category", "困难类别"), Column("level", "建档标准"), Column("main_cause", "主要致困原因"),
           Column("secondary_cause", "次要致困原因"), Column("health", "健康状况"), Column("disability", "残疾类别"),
           Column("housing_type", "住房类型"), Column("housing_area", "住房面积"), Column("medical_insurance", "医保状况"),
           Column("marital_status", "婚姻状况"), Column("single_parent", "是否单亲"),
           Column("zero_employment", "是否零就业家庭"), Column("monthly_income", "本人月收入", kind="money"),
           Column("other_annual_income", "家庭其他年收入", kind="money"),
           Column("household_annual_income", "家庭年总收入", kind="money"),
           Column("income_per_person", "家庭月人均收入", kind="money"), Column("household_size", "家庭人口", kind="int"),
           Column("bank_name", "开户银行"), Column("bank_account", "银行卡号", kind="id"),
           Column("opened_on", "建档日期", kind="date"), Column("opened_by", "建档人"), Column("checked_by", "审核人"),
           Column("last_review", "上次复核日期", kind="date"), Column("next_review", "下次复核日期", kind="date"),
           Column("file_status", "档案状态"), Column("closed_on", "脱困/注销日期", kind="date"),
           Column("close_reason", "脱困/注销原因"), Column("file_notes", "备注"))
    same = {c.key: c.key for c in own if c.key in hardship}
    variants = merge_variants(
        renamed(hardship, {**same, "household_annual_income": "annual_income", "file_status": "status",
                           "file_notes": "notes", "name": "name"}),
        {"last_review": ("上次复核日期", "复核日期", "年度复核日期", "上次复核"),
         "next_review": ("下次复核日期", "下次复核", "应复核日期")},
        MEMBER_VARIANTS)
    return RecordSource(
        "hardship", "困难职工档案", "困难职工档案（每户一行），默认为在档的档案",
        person_fields(own),
        (SourceParam("status", "档案状态", "choice", default="在档", options=_choices(_HARDSHIP_STATUSES)),
         SourceParam("category", "困难类别", "choice", options=_value_list("hardship.category")),
         SourceParam("main_cause", "主要致困原因", "choice", options=_value_list("hardship.cause")),
         SourceParam("sub_unit", "部门", "sub_unit")),
        _hardship_rows, variants)


# --- 帮扶记录 -------------------------------------------------------------------------------------------------
_AID_STAGES = ("发放", "审核", "申请")


def _aid_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.hardship.aid_ledger import AidFilter, iter_aid

    f = AidFilter(date_from=p["date_from"], date_to=p["date_to"],
                  aid_types=(p["aid_type"],) if p["aid_type"] else None,
                  fund_sources=(p["fund_source"],) if p["fund_source"] else None,
                  stage=None if p["stage"] in (None, ALL) else p["stage"])
    records = ({"member_id": r["member_id"], "aid_type": r["aid_type"], "cash": _money(r["cash_fen"]),
                "goods_desc": r["goods_desc"], "goods_value": _money(r["goods_value_fen"]),
                "total": _money(r["total_fen"]), "fund_source": r["fund_source"], "stage": r["stage"],
                "applied_on": r["applied_on"], "approved_on": r["approved_on"], "approved_by": r["approved_by"],
                "paid_on": r["paid_on"], "paid_by": r["paid_by"], "publicized_on": r["publicized_on"],
                "signed_text": ("已签收" if r["signed"] else "未签收") if r["stage"] == "发放" else "",
                "student_name": r["student_name"] or "", "student_id_number": r["student_id_number"] or "",
                "student_relation": r["student_relation"] or "", "school": r["school"],
                "admission_year": r["admission_year"], "schooling_years": r["schooling_years"],
                "file_category": r["file_category"], "aid_notes": r["notes"]}
               for r in iter_aid(db, f))
    return with_members(db, records, today)


def _aid_source() -> RecordSource:
    aid = _import_synonyms("aid_import", "AID_SYNONYMS")
    own = (Column("aid_type", "帮扶类型"), Column("cash", "帮扶金额", kind="money"), Column("goods_desc", "帮扶物资"),
           Column("goods_value", "物资价值", kind="money"), Column("total", "合计金额", kind="money"),
           Column("fund_source", "资金来源"), Column("stage", "阶段"), Column("applied_on", "申请日期", kind="date"),
           Column("approved_on", "审核日期", kind="date"), Column("approved_by", "审核人"),
           Column("paid_on", "发放日期", kind="date"), Column("paid_by", "发放人"),
           Column("publicized_on", "公示日期", kind="date"), Column("signed_text", "签收"),
           Column("student_name", "受助学生"), Column("student_id_number", "学生身份证号", kind="id"),
           Column("student_relation", "与户主关系"), Column("school", "录取学校"),
           Column("admission_year", "入学年份", kind="int"), Column("schooling_years", "学制", kind="int"),
           Column("file_category", "困难类别"), Column("aid_notes", "备注"))
    same = {c.key: c.key for c in own if c.key in aid}
    variants = merge_variants(
        renamed(aid, {**same, "signed_text": "signed", "aid_notes": "notes", "name": "name"}),
        {"total": ("合计金额", "合计", "小计", "金额合计")}, MEMBER_VARIANTS)
    return RecordSource(
        "aid", "帮扶记录", "一段时间内的帮扶发放记录（生活救助、医疗救助、金秋助学…），日期按发放日期",
        person_fields(own, {"name": "户主"}),
        (SourceParam("date_from", "开始日期", "date"), SourceParam("date_to", "结束日期", "date"),
         SourceParam("aid_type", "帮扶类型", "choice", options=_value_list("aid.type")),
         SourceParam("stage", "阶段", "choice", default="发放", options=_choices(_AID_STAGES)),
         SourceParam("fund_source", "资金来源", "choice", options=_value_list("aid.fund_source"))),
        _aid_rows, variants)


# --- 慰问记录 -------------------------------------------------------------------------------------------------
def _occasion_options(db) -> list[tuple[int, str]]:
    from gonghui_desk.care.occasions import list_occasions

    return [(o.id, o.name) for o in list_occasions(db)]


def _care_fund_sources(db) -> list[tuple[str, str]]:
    from gonghui_desk.care import FUND_SOURCES

    return [(v, v) for v in FUND_SOURCES]


def _visit_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.care.ledger import LedgerFilter, iter_ledger

    f = LedgerFilter(date_from=p["date_from"], date_to=p["date_to"],
                     occasion_ids=(p["occasion"],) if p["occasion"] is not None else None,
                     fund_source=p["fund_source"] or None, pending=None if p["pending"] else False)
    records = ({"member_id": v["member_id"], "occasion_name": v["occasion_name"],
                "recipient": (f"{v['recipient_relation']}（{v['recipient_name']}）" if v["recipient_name"]
                              else v["recipient_relation"]),
                "recipient_relation": v["recipient_relation"], "recipient_name": v["recipient_name"],
                "event_date": v["event_date"], "visit_date": v["visit_date"], "visitors": v["visitors"],
                "cash": _money(v["cash_fen"]), "goods_desc": v["goods_desc"],
                "goods_value": _money(v["goods_value_fen"]),
                "total": _money(v["total_fen"]), "payment_form": v["payment_form"], "fund_source": v["fund_source"],
                "illness": v["illness"], "signed_text": "已签收" if v["signed"] else "未签收",
                "campaign_name": v["campaign_name"] or "", "visit_notes": v["notes"]}
               for v in iter_ledger(db, f))
    return with_members(db, records, today)


def _visit_source() -> RecordSource:
    visit = _import_synonyms("visit_import", "VISIT_SYNONYMS")
    own = (Column("occasion_name", "慰问类别"), Column("recipient", "慰问对象"), Column("recipient_relation", "与会员关系"),
           Column("recipient_name", "亲属姓名"), Column("event_date", "事由日期", kind="date"),
           Column("visit_date", "走访日期", kind="date"), Column("visitors", "走访人员"),
           Column("cash", "慰问金", kind="money"), Column("goods_desc", "慰问品"),
           Column("goods_value", "慰问品价值", kind="money"), Column("total", "合计金额", kind="money"),
           Column("payment_form", "发放形式"), Column("fund_source", "经费来源"), Column("illness", "疾病"),
           Column("signed_text", "签收"), Column("campaign_name", "慰问批次"), Column("visit_notes", "备注"))
    same = {c.key: c.key for c in own if c.key in visit}
    variants = merge_variants(
        renamed(visit, {**same, "occasion_name": "occasion", "signed_text": "signed", "visit_notes": "notes",
                        "name": "name"}),
        {"total": ("合计金额", "合计", "小计", "金额合计"), "recipient": ("慰问对象",),
         "recipient_relation": ("与会员关系", "与本人关系", "关系")},
        MEMBER_VARIANTS)
    return RecordSource(
        "visits", "慰问记录", "一段时间内的走访慰问记录（按走访日期），默认不含待走访的",
        person_fields(own),
        (SourceParam("date_from", "开始日期", "date"), SourceParam("date_to", "结束日期", "date"),
         SourceParam("occasion", "慰问类别", "record", options=_occasion_options),
         SourceParam("fund_source", "经费来源", "choice", options=_care_fund_sources),
         SourceParam("pending", "包括待走访", "bool", default=False)),
        _visit_rows, variants)


# --- 荣誉 -----------------------------------------------------------------------------------------------------
def _honour_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.honours.register import HonourFilter, iter_honour_rows

    f = HonourFilter(year_from=p["year_from"], year_to=p["year_to"], level=p["level"],
                     stage=None if p["stage"] in (None, ALL) else p["stage"], recipient_kind=p["recipient_kind"])
    records = ({"member_id": h["member_id"], "title": h["title"], "level": h["level"],
                "conferred_by": h["conferred_by"], "year": h["year"], "conferred_on": h["conferred_on"],
                "stage": h["stage"], "recipient_name": h["recipient_name"], "recipient_kind": h["recipient_kind"],
                "sub_unit": h["sub_unit_path"], "honour_notes": h["notes"],
                **({} if h["member_id"] else {"name": h["recipient_name"]})}
               for h in iter_honour_rows(db, f))
    return with_members(db, records, today)


def _honour_source() -> RecordSource:
    from gonghui_desk.honours.store import LEVELS, RECIPIENT_KINDS, STAGES

    honour = _import_synonyms("honour_import", "HONOUR_SYNONYMS")
    own = (Column("title", "荣誉称号"), Column("level", "级别"), Column("conferred_by", "授予单位"),
           Column("year", "年度", kind="int"), Column("conferred_on", "授予日期", kind="date"), Column("stage", "阶段"),
           Column("recipient_name", "获得者"), Column("recipient_kind", "类型"), Column("honour_notes", "备注"))
    same = {c.key: c.key for c in own if c.key in honour}
    variants = merge_variants(
        renamed(honour, {**same, "recipient_name": "name", "honour_notes": "notes"}),
        {"name": ("姓名",)}, MEMBER_VARIANTS)
    return RecordSource(
        "honours", "荣誉", "个人、集体和本会获得的荣誉，按级别从高到低",
        person_fields(own),
        (SourceParam("year_from", "起始年度", "int"), SourceParam("year_to", "截止年度", "int"),
         SourceParam("level", "级别", "choice", options=_choices(LEVELS, everything=False)),
         SourceParam("stage", "阶段", "choice", default=ALL, options=_choices(STAGES)),
         SourceParam("recipient_kind", "类型", "choice", options=_choices(RECIPIENT_KINDS, everything=False))),
        _honour_rows, variants)


# --- 活动: 获奖名单 and 参加人员 -----------------------------------------------------------------------------
def _event_options(db) -> list[tuple[int, str]]:
    from gonghui_desk.events.register import EventFilter, event_ids, event_rows

    ids = event_ids(db, EventFilter())
    rows = event_rows(db, ids)
    return [(i, f"{rows[i]['title']}（{rows[i]['start_date']}）") for i in ids]


def _event_title(db, event_id: int) -> str:
    from gonghui_desk.events.register import event_rows

    row = event_rows(db, [event_id]).get(event_id)
    if row is None or row.get("voided_at"):
        raise UserError(f"活动 {event_id} 不存在或已作废")
    return row["title"]


def _award_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.exporting.events import award_list

    title = _event_title(db, p["event"])
    rows, _ = award_list(db, p["event"])
    records = ({"member_id": r["member_id"], "event_title": title, "item_name": r["item_name"], "stage": r["stage"],
                "rank": r["rank"], "grade": r["grade"], "prize": _money(r["prize_fen"]), "award_kind": r["kind"],
                "display_name": r["display_name"], "team_name": r["team_name"] or "",
                "team_members": r["team_members"], "upstream_round": r["upstream_round"],
                "upstream_result": r["upstream_result"], "award_notes": r["notes"], "sub_unit": r["sub_unit_path"],
                **({} if r["member_id"] else {"name": r["name"]})}
               for r in rows)
    return with_members(db, records, today)


def _participant_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.events.register import iter_participant_persons

    title = _event_title(db, p["event"])
    records = ({"member_id": r["member_id"], "event_title": title, "item_name": r["item_name"],
                "entry_kind": r["kind"], "team_name": r["team_name"] or "", "captain": YES if r["captain"] else "",
                "sub_unit": r["sub_unit_path"]}
               for r in iter_participant_persons(db, p["event"]))
    return with_members(db, records, today)


def _event_sources() -> tuple[RecordSource, RecordSource]:
    event = _import_synonyms("event_import", "EVENT_SYNONYMS")
    awards_own = (Column("event_title", "活动名称"), Column("item_name", "项目"), Column("stage", "比赛阶段"),
                  Column("rank", "名次", kind="int"), Column("grade", "获奖等级"), Column("prize", "奖金", kind="money"),
                  Column("award_kind", "个人/团体"), Column("display_name", "姓名/队名"), Column("team_name", "队名"),
                  Column("team_members", "队员"), Column("upstream_round", "推荐上级比赛"),
                  Column("upstream_result", "上级比赛结果"), Column("award_notes", "备注"))
    awards_variants = merge_variants(
        renamed(event, {"event_title": "event_name", "item_name": "item", "stage": "stage", "rank": "rank",
                        "grade": "grade", "prize": "prize", "team_name": "team", "upstream_round": "upstream_round",
                        "upstream_result": "upstream_result", "award_notes": "notes", "name": "name"}),
        {"display_name": ("姓名/队名", "获奖者", "获奖人/队", "获奖个人/集体"), "team_members": ("队员", "队伍成员", "成员"),
         "award_kind": ("个人/团体", "类型", "获奖类型")},
        MEMBER_VARIANTS)
    event_param = SourceParam("event", "活动", "record", required=True, options=_event_options)
    awards = RecordSource(
        "event_awards", "活动获奖名单", "一项活动或竞赛的获奖名单（每个奖项一行）",
        person_fields(awards_own), (event_param,), _award_rows, awards_variants)
    participants_own = (Column("event_title", "活动名称"), Column("item_name", "项目"), Column("entry_kind", "个人/团体"),
                        Column("team_name", "队名"), Column("captain", "队长"))
    participants_variants = merge_variants(
        renamed(event, {"event_title": "event_name", "item_name": "item", "team_name": "team", "captain": "captain",
                        "name": "name"}),
        {"entry_kind": ("个人/团体", "参加方式")}, MEMBER_VARIANTS)
    participants = RecordSource(
        "event_participants", "活动参加人员", "一项活动的参加人员（每人每个项目一行，团体项目列出每名队员）",
        person_fields(participants_own), (event_param,), _participant_rows, participants_variants)
    return awards, participants


# --- 职代会: 提案 and 代表 ------------------------------------------------------------------------------------
def _session_options(db) -> list[tuple[int, str]]:
    from gonghui_desk.congress.store import CongressStore

    return [(s["id"], s["title"]) for s in CongressStore(db).sessions()]


def _latest_session(db) -> int | None:
    from gonghui_desk.congress.store import CongressStore

    latest = CongressStore(db).latest_session()
    return latest["id"] if latest else None


def _proposal_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.congress.register import ProposalFilter
    from gonghui_desk.exporting.proposals import summary_records

    f = ProposalFilter(session_id=p["session"], categories=(p["category"],) if p["category"] else None)
    records = ({"member_id": r["proposer_member_id"], "name": r["proposer_name"], "number": r["number"],
                "title": r["title"], "reason": r["reason"], "measures": r["measures"], "cosigners": r["cosigners"],
                "category": r["category"], "submitted_on": r["submitted_on"], "review_text": r["review_text"],
                "lead_department": r["lead_department"] or "", "co_departments": r["co_departments_text"] or "",
                "leader": r["leader"] or "", "deadline": r["deadline"], "status_text": r["status_text"],
                "reply": r["reply"] or "", "replied_on": r["replied_on"], "result": r["result"] or "",
                "rating_text": r["rating_text"], "session_title": r["session_title"]}
               for r in summary_records(db, f, registered_only=bool(p["registered_only"]), today=today))
    return with_members(db, records, today)


def _proposal_source() -> RecordSource:
    proposal = _import_synonyms("proposal_import", "PROPOSAL_SYNONYMS")
    own = (Column("number", "编号", kind="id"), Column("title", "案由"), Column("reason", "理由"),
           Column("measures", "办法和措施"), Column("cosigners", "附议人"), Column("category", "类别"),
           Column("submitted_on", "提交日期", kind="date"), Column("review_text", "审查结果"),
           Column("lead_department", "主办部门"), Column("co_departments", "协办部门"), Column("leader", "责任领导"),
           Column("deadline", "办理期限", kind="date"), Column("status_text", "办理状态"), Column("reply", "答复内容"),
           Column("replied_on", "答复日期", kind="date"), Column("result", "办理结果"), Column("rating_text", "满意度"),
           Column("session_title", "会议"))
    same = {c.key: c.key for c in own if c.key in proposal}
    variants = merge_variants(
        renamed(proposal, {**same, "review_text": "outcome", "co_departments": "co_departments",
                           "rating_text": "rating", "session_title": "meeting", "name": "name",
                           "sub_unit": "proposer_unit"}),
        {"status_text": ("办理状态", "状态", "提案状态")}, MEMBER_VARIANTS)
    return RecordSource(
        "proposals", "职代会提案", "一次会议的提案（默认最近一次会议），可只填立案的",
        person_fields(own, {"name": "提案人", "sub_unit": "提案人部门"}),
        (SourceParam("session", "会议", "record", default=_latest_session, required=True, options=_session_options),
         SourceParam("registered_only", "只填立案的", "bool", default=False),
         SourceParam("category", "类别", "choice", options=_value_list("proposal.category"))),
        _proposal_rows, variants)


def _delegate_rows(db, p: dict, today: dt.date) -> Iterator[dict]:
    from gonghui_desk.congress.store import CongressStore

    store = CongressStore(db, today=today)
    session = store.get_session(p["session"])
    if session is None or session["voided_at"]:
        raise UserError(f"会议 {p['session']} 不存在或已作废")
    role = None if p["role"] in (None, ALL) else p["role"]
    records = ({"member_id": d["member_id"], "role": d["role"], "delegation_name": d["delegation_name"],
                "session_title": session["title"], "delegate_notes": d["notes"]}
               for d in store.delegates(session["term_id"], session["held_on"], role=role))
    return with_members(db, records, today)


def _delegate_source() -> RecordSource:
    from gonghui_desk.congress.store import DELEGATE_ROLES

    own = (Column("role", "代表类别"), Column("delegation_name", "代表团"), Column("session_title", "会议"),
           Column("delegate_notes", "备注"))
    variants = merge_variants(
        {"role": ("代表类别", "代表类型", "代表身份", "类别"),
         "delegation_name": ("代表团", "代表组", "所在代表团", "代表团（组）", "代表团/组", "所在代表组"),
         "session_title": ("会议", "会议名称"), "delegate_notes": ("备注", "说明")},
        MEMBER_VARIANTS)
    return RecordSource(
        "delegates", "职代会代表", "一次会议时在任的代表（默认最近一次会议），正式代表在前",
        person_fields(own),
        (SourceParam("session", "会议", "record", default=_latest_session, required=True, options=_session_options),
         SourceParam("role", "代表类别", "choice", default=ALL, options=_choices(DELEGATE_ROLES))),
        _delegate_rows, variants)


# --- the registry -------------------------------------------------------------------------------------------
_SOURCES: dict[str, RecordSource] | None = None


def sources() -> dict[str, RecordSource]:
    """Every source by key, in the order a wizard lists them (会员名册 first)."""
    global _SOURCES
    if _SOURCES is None:
        awards, participants = _event_sources()
        built = (ROSTER, _campaign_source(), _hardship_source(), _aid_source(), _visit_source(), _honour_source(),
                 awards, participants, _proposal_source(), _delegate_source())
        _SOURCES = {s.key: s for s in built}
    return _SOURCES


def get_source(source: str | RecordSource) -> RecordSource:
    """The source of ``source`` (a key, or a source already); an unknown key is a :class:`UserError`."""
    if isinstance(source, RecordSource):
        return source
    found = sources().get(source)
    if found is None:
        listed = "、".join(f"{s.key}（{s.label}）" for s in sources().values())
        raise UserError(f"没有“{source}”这种数据来源；可用的来源：{listed}")
    return found


__all__ = ["ALL", "MemberShaper", "ROSTER", "RecordSource", "SourceParam", "get_source", "person_fields",
           "sources", "with_members"]
