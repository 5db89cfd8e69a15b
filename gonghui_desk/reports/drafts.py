"""Saved drafts of summary reports (table ``report_drafts``, schema v6), and the JSON forms of a request, a
document and the stats behind its figures.

:func:`save_draft` stores what was asked (:class:`ReportRequest`), the document as edited (every block, the
figure marks of each paragraph, the figures list) and the stats the marks point to, as computed when the
report was built (so the "how was this computed" of a reopened draft is what the text was written from,
even after the ledgers changed). :func:`load_draft` gives the request and the document back;
:func:`draft_stats` the stats. Drafts are voided (作废) with a reason, never deleted; every change is in the
change log.

``document_from_json(document_to_json(doc)) == doc`` for every document made of headings, paragraphs (with
their marks) and tables.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlite_utils

from gonghui_desk.db.connection import transaction
from gonghui_desk.documents import ChartSpec, Document, Figure, Heading, Mark, Paragraph, Table
from gonghui_desk.errors import UserError
from gonghui_desk.reports.model import REPORT_KINDS, ReportOptions, ReportPeriod, ReportRequest, Stat

__all__ = ["FORMAT", "document_from_json", "document_to_json", "draft_stats", "list_drafts", "load_draft",
           "request_from_json", "request_to_json", "save_draft", "stats_from_json", "stats_to_json",
           "update_draft", "void_draft"]

FORMAT = 1  # the version of the JSON forms below


# --- JSON forms ----------------------------------------------------------------------------------------------
def _block_to_dict(block) -> dict:
    if isinstance(block, Heading):
        return {"type": "heading", "level": block.level, "text": block.text}
    if isinstance(block, Paragraph):
        item = {"type": "paragraph", "text": block.text}
        if block.marks:
            item["marks"] = [[m.start, m.end, m.key] for m in block.marks]
        return item
    if isinstance(block, Table):
        item = {"type": "table", "header": list(block.header), "rows": [list(r) for r in block.rows]}
        if block.chart is not None:
            item["chart"] = [block.chart.column, block.chart.title]
        return item
    raise TypeError(f"a draft cannot hold a {type(block).__name__} block")


def _block_from_dict(item: dict):
    kind = item.get("type")
    if kind == "heading":
        return Heading(int(item["level"]), item["text"])
    if kind == "paragraph":
        return Paragraph(item["text"], tuple(Mark(int(s), int(e), str(k)) for s, e, k in item.get("marks", ())))
    if kind == "table":
        chart = item.get("chart")
        return Table(tuple(item["header"]), tuple(tuple(r) for r in item.get("rows", ())),
                     ChartSpec(int(chart[0]), str(chart[1])) if chart else None)
    raise ValueError(f"unknown block type in a draft: {kind!r}")


def document_to_json(doc: Document) -> str:
    return json.dumps({
        "format": FORMAT, "title": doc.title, "subtitle_lines": list(doc.subtitle_lines),
        "salutation": doc.salutation, "signer": doc.signer, "date_text": doc.date_text,
        "blocks": [_block_to_dict(b) for b in doc.blocks],
        "figures": [[f.label, f.value, f.basis] for f in doc.figures],
    }, ensure_ascii=False)


def document_from_json(text: str) -> Document:
    data = json.loads(text)
    return Document(title=data.get("title", ""), subtitle_lines=list(data.get("subtitle_lines", ())),
                    salutation=data.get("salutation", ""),
                    blocks=[_block_from_dict(b) for b in data.get("blocks", ())],
                    signer=data.get("signer", ""), date_text=data.get("date_text", ""),
                    figures=[Figure(*f) for f in data.get("figures", ())])


def request_to_json(request: ReportRequest) -> str:
    o = request.options
    return json.dumps({
        "format": FORMAT, "kind": request.kind,
        "period": {"date_from": request.period.date_from, "date_to": request.period.date_to,
                   "label": request.period.label},
        "sections": list(request.sections), "title": request.title,
        "options": {name: getattr(o, name) for name in ReportOptions.__dataclass_fields__},
    }, ensure_ascii=False)


def request_from_json(text: str) -> ReportRequest:
    data = json.loads(text)
    period = data["period"]
    known = ReportOptions.__dataclass_fields__
    options = ReportOptions(**{k: bool(v) for k, v in data.get("options", {}).items() if k in known})
    return ReportRequest(kind=data["kind"], period=ReportPeriod(period["date_from"], period["date_to"], period["label"]),
                         sections=tuple(data.get("sections", ())), options=options, title=data.get("title", ""))


def stats_to_json(stats: dict[str, Stat]) -> str:
    return json.dumps([[s.key, s.label, s.value, s.unit, s.basis, s.table, list(s.ids), s.base]
                       for s in stats.values()], ensure_ascii=False)


def stats_from_json(text: str) -> dict[str, Stat]:
    data = json.loads(text or "[]")
    return {key: Stat(key, label, int(value), unit, basis, table, tuple(ids), int(base[0]) if base else 0)
            for key, label, value, unit, basis, table, ids, *base in data}  # drafts saved before rates had a base


# --- the table -----------------------------------------------------------------------------------------------
def _now() -> str:
    """Milliseconds, so a draft saved in the same second as another was created still lists first."""
    return dt.datetime.now().isoformat(timespec="milliseconds")


def _title(request: ReportRequest, document: Document, title: str) -> str:
    return (title or document.title or request.title or REPORT_KINDS.get(request.kind, "工作总结")).strip()


def save_draft(db: sqlite_utils.Database, request: ReportRequest, document: Document, title: str = "", *,
               stats: dict[str, Stat] | None = None) -> int:
    """Store a new draft; returns its id. ``title`` defaults to the document's title. ``stats``: the figures
    by key as built (:func:`~gonghui_desk.reports.builder.build_report_with_stats`); without them the
    draft's stats are counted now (:func:`~gonghui_desk.reports.builder.report_stats`)."""
    if request.kind not in REPORT_KINDS:
        raise UserError(f"没有这种总结：{request.kind}")
    if stats is None:
        from gonghui_desk.reports.builder import report_stats

        stats = report_stats(db, request)
    with transaction(db) as conn:
        return conn.execute(
            "INSERT INTO report_drafts (title, kind, date_from, date_to, request_json, document_json, stats_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_title(request, document, title), request.kind, request.period.date_from, request.period.date_to,
             request_to_json(request), document_to_json(document), stats_to_json(stats))).lastrowid


def _row(db: sqlite_utils.Database, draft_id: int) -> dict:
    row = next(iter(db.query("SELECT * FROM report_drafts WHERE id = ?", (draft_id,))), None)
    if row is None:
        raise UserError(f"总结草稿不存在（编号 {draft_id}）")
    return row


def update_draft(db: sqlite_utils.Database, draft_id: int, document: Document, title: str | None = None, *,
                 request: ReportRequest | None = None, stats: dict[str, Stat] | None = None) -> None:
    """Save the edited document (and a new title, request or stats when given: a rebuilt draft)."""
    row = _row(db, draft_id)
    if row["voided_at"]:
        raise UserError("这份总结草稿已作废，不能再保存")
    values = {"document_json": document_to_json(document), "updated_at": _now()}
    if title is not None:
        values["title"] = title.strip() or row["title"]
    if request is not None:
        values.update(kind=request.kind, date_from=request.period.date_from, date_to=request.period.date_to,
                      request_json=request_to_json(request))
    if stats is not None:
        values["stats_json"] = stats_to_json(stats)
    with transaction(db) as conn:
        conn.execute(f"UPDATE report_drafts SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                     (*values.values(), draft_id))


def load_draft(db: sqlite_utils.Database, draft_id: int) -> tuple[ReportRequest, Document]:
    row = _row(db, draft_id)
    return request_from_json(row["request_json"]), document_from_json(row["document_json"])


def draft_stats(db: sqlite_utils.Database, draft_id: int) -> dict[str, Stat]:
    """The stats the draft's figure marks point to, as saved with it."""
    return stats_from_json(_row(db, draft_id)["stats_json"])


def list_drafts(db: sqlite_utils.Database, *, include_voided: bool = False) -> list[dict]:
    """The drafts, newest (last saved) first: id, title, kind, kind_name, date_from, date_to, period_label,
    created_at, updated_at, saved_at (to the second: "2026-11-22T10:05:00"), voided_at, void_reason — without
    the documents themselves."""
    where = "" if include_voided else "WHERE voided_at IS NULL"
    rows = []
    for row in db.query(
            f"""SELECT id, title, kind, date_from, date_to, json_extract(request_json, '$.period.label') AS period_label,
                       created_at, updated_at, substr(coalesce(updated_at, created_at), 1, 19) AS saved_at,
                       voided_at, void_reason
                FROM report_drafts {where} ORDER BY coalesce(updated_at, created_at) DESC, id DESC"""):
        row["kind_name"] = REPORT_KINDS.get(row["kind"], row["kind"])
        row["period_label"] = row["period_label"] or ""
        rows.append(row)
    return rows


def void_draft(db: sqlite_utils.Database, draft_id: int, reason: str) -> None:
    if not reason or not reason.strip():
        raise UserError("请填写作废原因")
    row = _row(db, draft_id)
    if row["voided_at"]:
        raise UserError("这份总结草稿已经作废")
    with transaction(db) as conn:
        conn.execute("UPDATE report_drafts SET voided_at = ?, void_reason = ? WHERE id = ?",
                     (_now(), reason.strip(), draft_id))
