"""Campaigns (春节送温暖, 夏送清凉, 中秋…): a batch of visits to a list of recipients.

A campaign is a draft until it is recorded: the recipients (chosen by criteria and by hand)
and their amounts can change. Recording creates one visit per recipient in one transaction,
after checking every visit against the money rules (a breach needs one reason for the whole
batch, kept on each visit that broke a rule). A recorded campaign cannot be recorded again,
and its list and amounts are fixed: only its name and notes may still change, and each
recipient's 已签收 is ticked on the visit. Voiding a recorded campaign voids its visits too,
since they are one payment.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Callable

import sqlite_utils

from gonghui_desk.care import PAYMENT_FORMS
from gonghui_desk.care.occasions import get_occasion
from gonghui_desk.care.visits import RuleOverrideRequired, RuleWarning, VisitInput, VisitStore
from gonghui_desk.dates import DateParseError, add_years, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.db.member_queries import MemberFilter, cached_sub_unit_paths, where_clause
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.members import STATUSES
from gonghui_desk.money import yuan_text
from gonghui_desk.union import descendant_ids, load_profile

NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S','now','localtime')"
WARNINGS_SHOWN = 20  # members named in the combined warning; the rest are counted


# --- criteria registry: member sets kept by other modules (the hardship files…) -------------------
MemberSetProvider = Callable[[sqlite_utils.Database], set[int]]
_CRITERIA: dict[str, MemberSetProvider] = {}
HARDSHIP = "hardship_only"


def register_criterion(name: str, provider: MemberSetProvider) -> MemberSetProvider:
    """Let a module supply a set of members, e.g. ``register_criterion("hardship_only", fn)``
    for the members with an open hardship file (used by campaigns and by the reminders)."""
    _CRITERIA[name] = provider
    return provider


def criterion_members(db: sqlite_utils.Database, name: str) -> set[int] | None:
    """The members of a registered criterion, or ``None`` when no module provides it."""
    provider = _CRITERIA.get(name)
    return None if provider is None else set(provider(db))


@dataclass
class RecipientCriteria:
    statuses: tuple[str, ...] = ("在册",)
    sub_unit_ids: tuple[int, ...] | None = None  # chosen units; their descendants are included
    sex: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    migrant: bool | None = None
    hardship_only: bool = False  # members with an open hardship file (needs the hardship module)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "RecipientCriteria":
        data = json.loads(text) if text else {}
        known = {f.name for f in fields(cls)}
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        return cls(**values)


def select_recipients(db: sqlite_utils.Database, criteria: RecipientCriteria, *,
                      today: dt.date | None = None) -> list[int]:
    """The ids of the members matching ``criteria``, in roster (name) order."""
    today = today or dt.date.today()
    unknown = [s for s in criteria.statuses if s not in STATUSES]
    if unknown or not criteria.statuses:
        raise UserError("请至少选择一种会员状态" if not criteria.statuses
                        else f"会员状态“{'、'.join(unknown)}”无效，应为：{'、'.join(STATUSES)}")
    if criteria.min_age is not None and criteria.max_age is not None and criteria.min_age > criteria.max_age:
        raise UserError(f"最小年龄 {criteria.min_age} 岁大于最大年龄 {criteria.max_age} 岁")
    hardship = None
    if criteria.hardship_only:
        hardship = criterion_members(db, HARDSHIP)
        if hardship is None:
            raise UserError("困难职工档案模块尚未启用，暂不能按困难职工档案选择慰问对象。")
    units = None
    if criteria.sub_unit_ids is not None:
        units = tuple(sorted({d for unit in criteria.sub_unit_ids for d in descendant_ids(db, unit)}))
    where, params = where_clause(MemberFilter(status=tuple(criteria.statuses), sub_unit_ids=units,
                                              sex=criteria.sex, migrant=criteria.migrant), today)
    if units == ():
        where += " AND 0"  # where_clause reads an empty tuple as "any sub-unit"
    if criteria.min_age is not None:  # age >= min  <=>  born on or before today - min years
        where += " AND m.birth_date <= ?"
        params.append(add_years(today, -criteria.min_age).isoformat())
    if criteria.max_age is not None:  # age <= max  <=>  born after today - (max + 1) years
        where += " AND m.birth_date > ?"
        params.append(add_years(today, -(criteria.max_age + 1)).isoformat())
    ids = [r[0] for r in db.execute(f"SELECT m.id FROM members m WHERE {where} ORDER BY m.name_sort, m.id",
                                    params).fetchall()]
    return ids if hardship is None else [i for i in ids if i in hardship]


# --- the campaign itself --------------------------------------------------------------------------
@dataclass
class CampaignInput:
    name: str
    campaign_date: str | dt.date
    occasion_id: int
    fund_source: str = ""
    payment_form: str = "现金"
    default_cash_fen: int = 0
    default_goods: str = ""
    default_goods_value_fen: int = 0
    notes: str = ""


def _amounts_problem(cash_fen, goods_desc: str, goods_value_fen) -> str | None:
    for amount in (cash_fen, goods_value_fen):
        if not isinstance(amount, int) or amount < 0:
            return "金额应为不小于0的数"
    if goods_value_fen and not goods_desc:
        return "填写了慰问品价值时请写明慰问品"
    return None


def _campaign_values(db, data: CampaignInput) -> dict:
    name = (data.name or "").strip()
    if not name:
        raise UserError("请填写批次名称，例如“2026年春节送温暖”")
    try:
        day = parse_date(data.campaign_date)
    except DateParseError as exc:
        raise UserError(f"发放日期：{exc}") from None
    if day is None:
        raise UserError("请填写发放日期")
    occasion = get_occasion(db, data.occasion_id)
    if occasion is None:
        raise UserError("请选择慰问类别")
    payment_form = (data.payment_form or "").strip() or "现金"
    if payment_form not in PAYMENT_FORMS:
        raise UserError(f"发放形式应为：{'、'.join(PAYMENT_FORMS)}")
    goods = (data.default_goods or "").strip()
    problem = _amounts_problem(data.default_cash_fen, goods, data.default_goods_value_fen)
    if problem:
        raise UserError(f"默认标准：{problem}")
    return {"name": name, "campaign_date": day.isoformat(), "occasion_id": occasion.id,
            "fund_source": (data.fund_source or "").strip(), "payment_form": payment_form,
            "default_cash_fen": data.default_cash_fen, "default_goods": goods,
            "default_goods_value_fen": data.default_goods_value_fen, "notes": (data.notes or "").strip()}


def _campaign_row(db, campaign_id: int) -> dict:
    rows = list(db.query("SELECT * FROM campaigns WHERE id = ?", [campaign_id]))
    if not rows:
        raise UserError(f"慰问批次 {campaign_id} 不存在")
    return rows[0]


def _draft(db, campaign_id: int) -> dict:
    """The campaign, which must still be a draft (not recorded, not voided)."""
    campaign = _campaign_row(db, campaign_id)
    if campaign["voided_at"]:
        raise UserError(f"慰问批次“{campaign['name']}”已作废，不能修改")
    if campaign["recorded_at"]:
        raise UserError(f"慰问批次“{campaign['name']}”已登记为慰问记录，名单和金额不能再修改")
    return campaign


def _insert_recipients(conn, campaign: dict, member_ids: list[int]) -> int:
    """Append the members not yet on the list, with the campaign's default amounts."""
    present = {r[0] for r in conn.execute("SELECT member_id FROM campaign_recipients WHERE campaign_id = ?",
                                          (campaign["id"],))}
    order = conn.execute("SELECT coalesce(max(sort_order), 0) FROM campaign_recipients WHERE campaign_id = ?",
                         (campaign["id"],)).fetchone()[0]
    new = list(dict.fromkeys(i for i in member_ids if i not in present))
    conn.executemany(
        "INSERT INTO campaign_recipients(campaign_id, member_id, cash_fen, goods_desc, goods_value_fen, sort_order) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(campaign["id"], member_id, campaign["default_cash_fen"], campaign["default_goods"],
          campaign["default_goods_value_fen"], order + n) for n, member_id in enumerate(new, 1)])
    return len(new)


def create_campaign(db: sqlite_utils.Database, data: CampaignInput, criteria: RecipientCriteria | None = None, *,
                    today: dt.date | None = None) -> int:
    """A new draft campaign, with the members matching ``criteria`` as its recipients."""
    values = _campaign_values(db, data)
    recipients = select_recipients(db, criteria, today=today) if criteria is not None else []
    values["criteria"] = criteria.to_json() if criteria is not None else ""
    with transaction(db) as conn:
        campaign_id = conn.execute(
            f"INSERT INTO campaigns ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values())).lastrowid
        _insert_recipients(conn, {"id": campaign_id, **values}, recipients)
    return campaign_id


def update_campaign(db: sqlite_utils.Database, campaign_id: int, data: CampaignInput) -> None:
    """Change a draft campaign; recipients still at the old default amounts get the new ones.

    Once recorded, only the name and notes may change (the rest is on the visits)."""
    current = _campaign_row(db, campaign_id)
    if current["voided_at"]:
        raise UserError(f"慰问批次“{current['name']}”已作废，不能修改")
    values = _campaign_values(db, data)
    if current["recorded_at"]:
        fixed = [k for k in values if k not in ("name", "notes") and values[k] != current[k]]
        if fixed:
            raise UserError("该批次已登记为慰问记录，只能修改名称和备注；如需更改其他内容，请作废该批次后重新建立。")
    with transaction(db) as conn:
        conn.execute(f"UPDATE campaigns SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                     [*values.values(), campaign_id])
        if not current["recorded_at"]:
            conn.execute("UPDATE campaign_recipients SET cash_fen = ? WHERE campaign_id = ? AND cash_fen = ?",
                         (values["default_cash_fen"], campaign_id, current["default_cash_fen"]))
            conn.execute("UPDATE campaign_recipients SET goods_desc = ?, goods_value_fen = ? "
                         "WHERE campaign_id = ? AND goods_desc = ? AND goods_value_fen = ?",
                         (values["default_goods"], values["default_goods_value_fen"], campaign_id,
                          current["default_goods"], current["default_goods_value_fen"]))


def void_campaign(db: sqlite_utils.Database, campaign_id: int, reason: str) -> int:
    """Void a campaign and, if it was recorded, its visits (one payment); returns the visits voided."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError("作废慰问批次时请填写原因")
    campaign = _campaign_row(db, campaign_id)
    if campaign["voided_at"]:
        raise UserError(f"慰问批次“{campaign['name']}”已经作废")
    with transaction(db) as conn:
        conn.execute(f"UPDATE campaigns SET voided_at = {NOW_SQL}, void_reason = ? WHERE id = ?",
                     (reason, campaign_id))
        return conn.execute(f"UPDATE visits SET voided_at = {NOW_SQL}, void_reason = ? "
                            "WHERE campaign_id = ? AND voided_at IS NULL",
                            (f"所属慰问批次作废：{reason}", campaign_id)).rowcount


_CAMPAIGN_SQL = """
    SELECT c.*, o.name AS occasion_name,
           (SELECT count(*) FROM campaign_recipients r WHERE r.campaign_id = c.id) AS recipient_count,
           (SELECT coalesce(sum(r.cash_fen), 0) FROM campaign_recipients r WHERE r.campaign_id = c.id)
               AS cash_total_fen,
           (SELECT coalesce(sum(r.goods_value_fen), 0) FROM campaign_recipients r WHERE r.campaign_id = c.id)
               AS goods_total_fen,
           (SELECT count(*) FROM visits v WHERE v.campaign_id = c.id AND v.voided_at IS NULL) AS visit_count,
           (SELECT count(*) FROM visits v WHERE v.campaign_id = c.id AND v.voided_at IS NULL AND v.signed = 1)
               AS signed_count
    FROM campaigns c JOIN care_occasions o ON o.id = c.occasion_id"""


def _with_total(row: dict) -> dict:
    row["total_fen"] = row["cash_total_fen"] + row["goods_total_fen"]
    return row


def get_campaign(db: sqlite_utils.Database, campaign_id: int) -> dict | None:
    """The campaign's columns plus occasion_name and the figures of :func:`list_campaigns`."""
    rows = list(db.query(f"{_CAMPAIGN_SQL} WHERE c.id = ?", [campaign_id]))
    return _with_total(rows[0]) if rows else None


def list_campaigns(db: sqlite_utils.Database) -> list[dict]:
    """Every campaign, newest first, voided ones included (``voided_at`` set), each with
    occasion_name, recipient_count, cash_total_fen, goods_total_fen, total_fen, visit_count
    and signed_count; ``recorded_at`` is set once the visits were created."""
    return [_with_total(r) for r in db.query(f"{_CAMPAIGN_SQL} ORDER BY c.campaign_date DESC, c.id DESC")]


# --- recipients -----------------------------------------------------------------------------------
def add_recipients(db: sqlite_utils.Database, campaign_id: int, member_ids: list[int]) -> int:
    """Add members by hand (default amounts); those already on the list are skipped. Returns how many."""
    campaign = _draft(db, campaign_id)
    ids = list(dict.fromkeys(member_ids))
    live = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        live |= {r[0] for r in db.execute(f"SELECT id FROM members WHERE voided_at IS NULL "
                                          f"AND id IN ({', '.join('?' * len(chunk))})", chunk)}
    missing = [i for i in ids if i not in live]
    if missing:
        raise UserError(f"会员编号 {'、'.join(map(str, missing[:10]))} 不存在或已作废")
    with transaction(db) as conn:
        return _insert_recipients(conn, campaign, ids)


def remove_recipients(db: sqlite_utils.Database, campaign_id: int, member_ids: list[int]) -> int:
    """Take members off a draft list; returns how many were removed."""
    _draft(db, campaign_id)
    with transaction(db) as conn:
        return sum(conn.execute("DELETE FROM campaign_recipients WHERE campaign_id = ? AND member_id = ?",
                                (campaign_id, member_id)).rowcount for member_id in set(member_ids))


def set_recipient_amount(db: sqlite_utils.Database, campaign_id: int, member_id: int, *,
                         cash_fen: int | None = None, goods_desc: str | None = None,
                         goods_value_fen: int | None = None) -> None:
    """Change one recipient's amount or goods (``None`` keeps the current value)."""
    _draft(db, campaign_id)
    row = db.execute("SELECT cash_fen, goods_desc, goods_value_fen FROM campaign_recipients "
                     "WHERE campaign_id = ? AND member_id = ?", [campaign_id, member_id]).fetchone()
    if row is None:
        raise UserError("该会员不在本批次的名单中")
    cash = row[0] if cash_fen is None else cash_fen
    goods = row[1] if goods_desc is None else goods_desc.strip()
    value = row[2] if goods_value_fen is None else goods_value_fen
    problem = _amounts_problem(cash, goods, value)
    if problem:
        raise UserError(problem)
    with transaction(db) as conn:
        conn.execute("UPDATE campaign_recipients SET cash_fen = ?, goods_desc = ?, goods_value_fen = ? "
                     "WHERE campaign_id = ? AND member_id = ?", (cash, goods, value, campaign_id, member_id))


def campaign_recipients(db: sqlite_utils.Database, campaign_id: int) -> list[dict]:
    """The recipients in sign-off order (序号 = position + 1): member_id, name, status, sub_unit_id,
    sub_unit_path, cash_fen, goods_desc, goods_value_fen, and once recorded visit_id and signed."""
    paths = cached_sub_unit_paths(db)
    visits = {r[0]: (r[1], bool(r[2])) for r in db.execute(
        "SELECT member_id, id, signed FROM visits WHERE campaign_id = ? AND voided_at IS NULL", [campaign_id])}
    rows = []
    for row in db.query(
            """SELECT r.member_id, m.name, m.status, m.sub_unit_id, r.cash_fen, r.goods_desc, r.goods_value_fen
               FROM campaign_recipients r JOIN members m ON m.id = r.member_id
               WHERE r.campaign_id = ? ORDER BY r.sort_order, r.id""", [campaign_id]):
        row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
        row["visit_id"], row["signed"] = visits.get(row["member_id"], (None, False))
        rows.append(row)
    return rows


# --- recording ------------------------------------------------------------------------------------
class CampaignOverrideRequired(RuleOverrideRequired):
    """Some recipients' visits break a rule. ``by_member`` maps member id -> warnings; the
    message names the first members and counts the rest."""

    def __init__(self, by_member: dict[int, list[RuleWarning]], names: dict[int, str]):
        self.by_member = by_member
        named: list[RuleWarning] = []
        shown = 0
        for member_id, warnings in by_member.items():
            if len(named) >= WARNINGS_SHOWN:
                break
            named += [RuleWarning(w.code, f"{names[member_id]}：{w.message}") for w in warnings]
            shown += 1
        if shown < len(by_member):
            named.append(RuleWarning("more", f"另有 {len(by_member) - shown} 名会员的慰问也不符合标准"))
        super().__init__(named)


def _visit_input(campaign: dict, recipient: dict) -> VisitInput:
    return VisitInput(member_id=recipient["member_id"], occasion_id=campaign["occasion_id"],
                      visit_date=campaign["campaign_date"], cash_fen=recipient["cash_fen"],
                      goods_desc=recipient["goods_desc"], goods_value_fen=recipient["goods_value_fen"],
                      payment_form=campaign["payment_form"], fund_source=campaign["fund_source"],
                      campaign_id=campaign["id"])


def check_campaign(db: sqlite_utils.Database, campaign_id: int, *,
                   today: dt.date | None = None) -> dict[int, list[RuleWarning]]:
    """member id -> the warnings recording the campaign would raise (members within every rule left out)."""
    campaign = _campaign_row(db, campaign_id)
    store = VisitStore(db, today=today)
    result = {}
    for recipient in campaign_recipients(db, campaign_id):
        warnings = store.check_rules(_visit_input(campaign, recipient))
        if warnings:
            result[recipient["member_id"]] = warnings
    return result


def record_campaign(db: sqlite_utils.Database, campaign_id: int, *, override_reason: str = "",
                    progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                    today: dt.date | None = None) -> int:
    """Create one visit per recipient (visit date = campaign date) in one transaction; returns how many.

    Raises :class:`CampaignOverrideRequired` when some visits break a rule and no reason was
    given, :class:`~gonghui_desk.errors.Cancelled` when cancelled; either way nothing is written."""
    campaign = _draft(db, campaign_id)
    recipients = campaign_recipients(db, campaign_id)
    if not recipients:
        raise UserError(f"慰问批次“{campaign['name']}”还没有慰问对象")
    today = today or dt.date.today()
    if campaign["campaign_date"] > today.isoformat():
        raise UserError(f"发放日期 {campaign['campaign_date']} 晚于今天，请在发放后再登记")
    report = progress or no_progress
    store = VisitStore(db, today=today)
    breaches: dict[int, list[RuleWarning]] = {}
    with transaction(db) as conn:
        for done, recipient in enumerate(recipients, 1):
            try:
                store.save(_visit_input(campaign, recipient), override_reason=override_reason)
            except RuleOverrideRequired as exc:
                breaches[recipient["member_id"]] = exc.warnings
            except ValidationError as exc:
                raise UserError(f"{recipient['name']}：{exc}") from None
            if done % 200 == 0:
                check_cancel(is_cancelled)
                report(done, len(recipients), "正在登记慰问记录…")
        check_cancel(is_cancelled)
        if breaches:
            raise CampaignOverrideRequired(breaches, {r["member_id"]: r["name"] for r in recipients})
        conn.execute(f"UPDATE campaigns SET recorded_at = {NOW_SQL} WHERE id = ?", (campaign_id,))
    report(len(recipients), len(recipients), "慰问记录已登记")
    return len(recipients)


def set_signed(db: sqlite_utils.Database, campaign_id: int, member_ids: list[int], signed: bool = True) -> int:
    """Tick (or untick) 已签收 on the campaign's visits of these members; returns how many changed."""
    campaign = _campaign_row(db, campaign_id)
    if not campaign["recorded_at"] or campaign["voided_at"]:
        raise UserError("该批次还没有登记为慰问记录（或已作废），不能标记签收")
    wanted = set(member_ids)
    changing = [visit_id for member_id, visit_id in db.execute(
        "SELECT member_id, id FROM visits WHERE campaign_id = ? AND voided_at IS NULL AND signed != ?",
        [campaign_id, int(signed)]) if member_id in wanted]
    VisitStore(db).set_signed(changing, signed)
    return len(changing)


# --- the sign-off sheet (发放签收表) ---------------------------------------------------------------
def amount_text(cash_fen: int, goods_desc: str, goods_value_fen: int) -> str:
    """"500元", "大米一袋（价值100元）", or both joined by "，"."""
    parts = [f"{yuan_text(cash_fen)}元"] if cash_fen else []
    if goods_desc:
        parts.append(f"{goods_desc}（价值{yuan_text(goods_value_fen)}元）" if goods_value_fen else goods_desc)
    return "，".join(parts)


@dataclass
class SignoffSheet:
    title: str
    union_name: str
    campaign_name: str
    campaign_date: str
    occasion_name: str
    fund_source: str
    # one dict a person: seq (序号), member_id, name, sub_unit, amount_text, cash_fen, goods_value_fen
    rows: list[dict] = field(default_factory=list)
    total_cash_fen: int = 0
    total_goods_fen: int = 0
    prepared_by: str = ""  # 制表人, 审核人 and 日期 are left blank for a pen
    checked_by: str = ""

    @property
    def total_fen(self) -> int:
        return self.total_cash_fen + self.total_goods_fen

    @property
    def total_text(self) -> str:
        """The closing line, e.g. "合计：32人，慰问金16,000元，慰问品价值3,200元"."""
        parts = [f"{len(self.rows)}人"]
        if self.total_cash_fen:
            parts.append(f"慰问金{yuan_text(self.total_cash_fen)}元")
        if self.total_goods_fen:
            parts.append(f"慰问品价值{yuan_text(self.total_goods_fen)}元")
        return "合计：" + "，".join(parts)


def signoff_sheet(db: sqlite_utils.Database, campaign_id: int) -> SignoffSheet:
    """What the printed and the .xlsx 发放签收表 show."""
    campaign = get_campaign(db, campaign_id)
    if campaign is None:
        raise UserError(f"慰问批次 {campaign_id} 不存在")
    rows = [{"seq": seq, "member_id": r["member_id"], "name": r["name"], "sub_unit": r["sub_unit_path"],
             "amount_text": amount_text(r["cash_fen"], r["goods_desc"], r["goods_value_fen"]),
             "cash_fen": r["cash_fen"], "goods_value_fen": r["goods_value_fen"]}
            for seq, r in enumerate(campaign_recipients(db, campaign_id), 1)]
    return SignoffSheet(
        title=f"{campaign['name']}发放签收表", union_name=load_profile(db).name, campaign_name=campaign["name"],
        campaign_date=campaign["campaign_date"], occasion_name=campaign["occasion_name"],
        fund_source=campaign["fund_source"], rows=rows,
        total_cash_fen=sum(r["cash_fen"] for r in rows), total_goods_fen=sum(r["goods_value_fen"] for r in rows))
