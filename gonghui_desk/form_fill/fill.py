"""Filling the upstream union's own form: the top-level API the wizard and the command line use.

A typical run::

    layout = inspect_form("会员信息采集表.xlsx")                 # sheet, header, data area, footer
    mapping = propose_mapping(layout, "roster")                   # column -> field, from the header texts
    mapping.assign(9, "union_name")                               # the user maps or clears a column
    result = fill_form(db, layout, mapping, "roster", {"status": "在册"}, "已填写.xlsx")
    save_form_mapping(db, "会员信息采集表", layout, mapping, {"status": "在册"})

and next year, with a new copy of the same form::

    saved = get_mapping(db, "会员信息采集表")
    changes = compare_with_saved(layout, saved)                   # "第5列：原为“联系电话”，现为“手机号码”"…
    mapping = mapping_from_saved(layout, saved)

ID numbers, phones and bank accounts go in masked (110101********1234) unless ``fill_form(…, full_numbers=True)``
asks for them in full — an upstream form usually needs them — and a form filled with them in full is recorded in
the change log (:func:`gonghui_desk.privacy.record_unmask`).

Nothing here imports Qt. Long work (:func:`fill_form`) takes ``progress(done, total, text)`` and
``is_cancelled()`` (:mod:`gonghui_desk.jobs`); the file appears only when it is complete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import sqlite_utils

from gonghui_desk.errors import UserError
from gonghui_desk.exporting.xlsx import check_folder, save_workbook
from gonghui_desk.form_fill.fields import SEQ_KEY
from gonghui_desk.form_fill.layout import FormColumn, FormLayout, header_matches, open_form, read_layout
from gonghui_desk.form_fill.mappings import SavedMapping, save_mapping
from gonghui_desk.form_fill.sources import RecordSource, get_source
from gonghui_desk.form_fill.writer import write_rows
from gonghui_desk.importing.headers import normalize_header
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.privacy import (FULL_NUMBERS_OPTION, FULL_NUMBERS_TEXT, field_labels, mask_record, record_unmask,
                                  sensitive_keys)

# the table an 'unmask' row of the change log names, by source
SOURCE_TABLES = {"roster": "members", "campaign": "campaign_recipients", "hardship": "hardship_files",
                 "aid": "aid_payments", "visits": "visits", "honours": "honours", "event_awards": "event_results",
                 "event_participants": "event_participants", "proposals": "proposals",
                 "delegates": "congress_delegates"}


@dataclass
class FormMapping:
    """Which field fills each column: ``columns`` maps a sheet column number (``FormColumn.index``) to a field
    key of ``source`` (``"seq"`` numbers the rows). A column not in ``columns`` is left blank."""

    source: str
    columns: dict[int, str] = field(default_factory=dict)

    def field_for(self, column: int) -> str | None:
        return self.columns.get(column)

    def assign(self, column: int, field_key: str | None) -> None:
        """Fill ``column`` from ``field_key``, or leave it blank (None)."""
        if field_key:
            self.columns[column] = field_key
        else:
            self.columns.pop(column, None)
        self.columns = dict(sorted(self.columns.items()))

    def copy(self) -> "FormMapping":
        return FormMapping(self.source, dict(self.columns))


@dataclass(frozen=True)
class HeaderChange:
    """One difference between a saved mapping's form and the form opened now.

    ``kind``: renamed (same place, new header), added (a column the saved form did not have), missing (a
    saved column the form no longer has), moved (a header found in another place, out of order), header_row
    (the header is on another row) or sheet (another sheet). ``column`` is the column in the form now,
    ``old_column`` in the saved one; ``field`` the field the column had; ``text`` the line shown to the user."""

    kind: str
    text: str
    column: int | None = None
    old_column: int | None = None
    old_header: str = ""
    new_header: str = ""
    field: str | None = None


@dataclass
class FillResult:
    """What :func:`fill_form` wrote. ``path`` is the file written (always .xlsx); ``first_row``..``last_row``
    the sheet rows written (None when no record matched); ``messages`` the lines to show the user."""

    path: Path
    rows_written: int
    rows_kept: int = 0
    first_row: int | None = None
    last_row: int | None = None
    source_text: str = ""
    messages: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # the ID/phone/bank fields filled: "身份证号", "手机号"…
    full_numbers: bool = False  # written in full (recorded in the change log) rather than masked


# --- reading and mapping ----------------------------------------------------------------------------------
def inspect_form(path: str | Path, sheet: str | None = None, *,
                 header_rows: tuple[int, int] | None = None) -> FormLayout:
    """Open the form at ``path`` (.xlsx or .xls) and find its sheet, header, data area and footer.
    ``sheet`` picks a sheet by name; ``header_rows`` = (first, last) overrides the header the detection found.
    Raises :class:`~gonghui_desk.importing.spreadsheet.SpreadsheetError` (a :class:`UserError`) with a
    Chinese message when the file cannot be read or has no recognisable header."""
    wb, is_xls = open_form(path)
    return read_layout(wb, path, sheet=sheet, header_rows=header_rows, is_xls=is_xls)


def propose_mapping(layout: FormLayout, source: str | RecordSource) -> FormMapping:
    """The fields the header texts name, from ``source``'s synonym table (序号 columns get ``seq``)."""
    source = get_source(source)
    return FormMapping(source.key, header_matches(layout, source.synonyms))


def unmatched_columns(layout: FormLayout, mapping: FormMapping) -> list[FormColumn]:
    """The form's columns no field fills (left blank unless the user maps them)."""
    return [c for c in layout.columns if c.index not in mapping.columns]


def mapping_lines(layout: FormLayout, mapping: FormMapping, source: str | RecordSource | None = None) -> list[str]:
    """One line per column: "第2列“姓名” ← 姓名", "第1列“序号” ← 自动编号", "第9列“籍贯”：未对应，留空"."""
    source = get_source(source or mapping.source)
    lines = []
    for column in layout.columns:
        key = mapping.columns.get(column.index)
        if key is None:
            lines.append(f"{column.label}：未对应，留空")
        elif key == SEQ_KEY:
            lines.append(f"{column.label} ← 自动编号")
        else:
            lines.append(f"{column.label} ← {source.field_label(key)}")
    return lines


# --- a saved mapping against the form opened now -------------------------------------------------------------
def _increasing(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by new column) whose old columns increase too; of runs as long, the
    one whose columns moved least (so a column that moved is reported, not those around it)."""
    def score(chain):
        return len(chain), -sum(abs(o - n) for o, n in chain)

    best: list[list[tuple[int, int]]] = []
    for pair in pairs:
        chain = max((c for c in best if c[-1][0] < pair[0]), key=score, default=[])
        best.append(chain + [pair])
    return set(max(best, key=score, default=[]))


def _align(old: Mapping[int, str], new: Mapping[int, str]):
    """(kept pairs, moved pairs, renamed pairs, missing old columns, added new columns); pairs are (old, new)."""
    old_keys = {c: normalize_header(h) for c, h in old.items()}
    new_keys = {c: normalize_header(h) for c, h in new.items()}
    matched: list[tuple[int, int]] = []
    free_new = dict(new_keys)
    for old_col, key in sorted(old_keys.items()):
        candidates = [c for c, k in free_new.items() if k == key]
        if candidates:
            new_col = min(candidates, key=lambda c: (abs(c - old_col), c))
            matched.append((old_col, new_col))
            del free_new[new_col]
    matched.sort(key=lambda p: p[1])
    anchors = _increasing(matched)
    kept = sorted(anchors, key=lambda p: p[1])
    moved = [p for p in matched if p not in anchors]
    matched_old = {o for o, _ in matched}
    matched_new = {n for _, n in matched}
    lone_old = [c for c in sorted(old) if c not in matched_old]
    lone_new = [c for c in sorted(new) if c not in matched_new]
    renamed, missing, added = [], [], []
    bounds = [(0, 0)] + kept + [(10 ** 6, 10 ** 6)]
    for (old_low, new_low), (old_high, new_high) in zip(bounds, bounds[1:]):
        olds = [c for c in lone_old if old_low < c < old_high]
        news = [c for c in lone_new if new_low < c < new_high]
        renamed += list(zip(olds, news))
        missing += olds[len(news):]
        added += news[len(olds):]
    return kept, moved, renamed, missing, added


def _changes(layout: FormLayout, saved: SavedMapping, source: RecordSource | None):
    kept, moved, renamed, missing, added = _align(saved.headers, layout.headers)
    columns: dict[int, str] = {}
    changes: list[HeaderChange] = []
    if saved.sheet_name and saved.sheet_name != layout.sheet_name:
        changes.append(HeaderChange("sheet", f"工作表：原为“{saved.sheet_name}”，现为“{layout.sheet_name}”"))
    if saved.header_row != layout.header_top:
        changes.append(HeaderChange("header_row", f"表头：原在第{saved.header_row}行，现在第{layout.header_top}行"))
    for old_col, new_col in kept + moved:
        if old_col in saved.columns:
            columns[new_col] = saved.columns[old_col]
    for old_col, new_col in moved:
        changes.append(HeaderChange("moved", f"“{layout.headers[new_col]}”：原为第{old_col}列，现为第{new_col}列",
                                    new_col, old_col, saved.headers[old_col], layout.headers[new_col],
                                    saved.columns.get(old_col)))
    proposed = header_matches(layout, source.synonyms) if source else {}
    for old_col, new_col in renamed:
        old_header, new_header = saved.headers[old_col], layout.headers[new_col]
        old_field = saved.columns.get(old_col)
        text = f"第{new_col}列：原为“{old_header}”，现为“{new_header}”"
        now = proposed.get(new_col)
        if old_field and now == old_field:
            columns[new_col] = old_field
        elif now and source:
            columns[new_col] = now
            text += f"，改填“{source.field_label(now)}”"
        elif old_field:
            text += "，未对应字段"
        changes.append(HeaderChange("renamed", text, new_col, old_col, old_header, new_header, old_field))
    for new_col in added:
        changes.append(HeaderChange("added", f"新增第{new_col}列“{layout.headers[new_col]}”，未对应字段",
                                    new_col, None, "", layout.headers[new_col]))
    for old_col in missing:
        changes.append(HeaderChange("missing", f"缺少原第{old_col}列“{saved.headers[old_col]}”", None, old_col,
                                    saved.headers[old_col], "", saved.columns.get(old_col)))
    order = {"sheet": 0, "header_row": 1}
    changes.sort(key=lambda c: (order.get(c.kind, 2), c.column or c.old_column or 0))
    if source is not None:
        columns = {c: k for c, k in columns.items() if k == SEQ_KEY or source.field(k) is not None}
    return dict(sorted(columns.items())), changes


def compare_with_saved(layout: FormLayout, saved: SavedMapping) -> list[HeaderChange]:
    """How the form opened now differs from the one ``saved`` was made on, column by column ([] when the
    headers are the same): "第5列：原为“联系电话”，现为“手机号码”", "新增第9列“备注”，未对应字段",
    "缺少原第7列“民族”", "“民族”：原为第7列，现为第8列"."""
    return _changes(layout, saved, _source_or_none(saved.source))[1]


def mapping_from_saved(layout: FormLayout, saved: SavedMapping) -> FormMapping:
    """``saved`` applied to the form opened now: columns found again (by header) keep their field; a renamed
    column keeps it when its new header still names that field, else takes the field the new header names;
    new columns are left blank."""
    source = get_source(saved.source)
    return FormMapping(source.key, _changes(layout, saved, source)[0])


def _source_or_none(key: str) -> RecordSource | None:
    try:
        return get_source(key)
    except UserError:
        return None


def saved_from(name: str, layout: FormLayout, mapping: FormMapping, params: Mapping[str, Any] | None = None
               ) -> SavedMapping:
    """A :class:`SavedMapping` of ``mapping`` on ``layout`` (not stored yet)."""
    return SavedMapping(name=name, source=mapping.source, params=dict(params or {}), sheet_name=layout.sheet_name,
                        header_row=layout.header_top, headers=layout.headers, columns=dict(mapping.columns))


def save_form_mapping(db: sqlite_utils.Database, name: str, layout: FormLayout, mapping: FormMapping,
                      params: Mapping[str, Any] | None = None) -> SavedMapping:
    """Store ``mapping`` (with the source's ``params``) under ``name``; an existing one of that name is replaced."""
    source = get_source(mapping.source)
    resolved = source.resolve(db, params)
    return save_mapping(db, saved_from(name, layout, mapping, {k: v for k, v in resolved.items() if v is not None}))


# --- filling -------------------------------------------------------------------------------------------------
def numbers_mapped(mapping: FormMapping) -> list[str]:
    """The field keys of ``mapping`` holding ID, phone or bank numbers (masked unless asked for in full)."""
    return sensitive_keys(mapping.columns.values())


def preview_rows(db: sqlite_utils.Database, layout: FormLayout, mapping: FormMapping, source: str | RecordSource,
                 params: Mapping[str, Any] | None = None, limit: int = 10, *,
                 today: dt.date | None = None, full_numbers: bool = False) -> list[list[str]]:
    """The first ``limit`` rows as they will be filled, one text per form column (in ``layout.columns`` order,
    '' for a column left blank), for a wizard's preview; money in 元, dates as 2026-01-31; ID, phone and bank
    numbers masked unless ``full_numbers``."""
    from gonghui_desk.form_fill.layout import display_text
    from gonghui_desk.money import yuan_text

    source = get_source(source)
    kinds = {f.key: f.kind for f in source.fields}
    rows = []
    masked = [] if full_numbers else numbers_mapped(mapping)
    for seq, record in enumerate(source.rows(db, params, today), 1):
        if masked:
            record = mask_record(record, masked)
        texts = []
        for column in layout.columns:
            key = mapping.columns.get(column.index)
            value = seq if key == SEQ_KEY else record.get(key) if key else None
            if value in (None, ""):
                texts.append("")
            elif kinds.get(key) == "money":
                texts.append(yuan_text(int(value)))
            elif isinstance(value, bool):
                texts.append("是" if value else "否")
            else:
                texts.append(display_text(value))
        rows.append(texts)
        if seq >= limit:
            break
    return rows


def output_path(path: str | Path) -> Path:
    """The file actually written for ``path``: always .xlsx."""
    path = Path(path)
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")


def fill_form(db: sqlite_utils.Database, layout: FormLayout, mapping: FormMapping, source: str | RecordSource,
              params: Mapping[str, Any] | None, out_path: str | Path, keep_rows: bool = False,
              is_cancelled: IsCancelled | None = None, progress: Progress | None = None, *,
              today: dt.date | None = None, full_numbers: bool = False) -> FillResult:
    """Write the rows of ``source`` (with ``params``) into a copy of the form, saved as ``out_path`` (.xlsx;
    another suffix is replaced, and said so). ``keep_rows``: keep the rows already below the header and add
    after them; otherwise they are replaced. The form file itself is never changed. ID, phone and bank numbers
    are masked unless ``full_numbers``; a form filled with them in full is recorded in the change log."""
    source = get_source(source)
    if mapping.source != source.key:
        raise UserError(f"对应关系是按“{get_source(mapping.source).label}”建立的，不能用于“{source.label}”")
    unknown = [key for key in mapping.columns.values() if source.field(key) is None]
    if unknown:
        raise UserError(f"“{source.label}”没有这些字段：{'、'.join(unknown)}")
    if not any(key != SEQ_KEY for key in mapping.columns.values()):
        raise UserError("还没有任何一列对应了字段，无法填写。请至少为一列选择要填写的内容。")
    resolved = source.resolve(db, params)
    requested = Path(out_path)
    path = output_path(requested)
    check_folder(path)
    if path.resolve() == Path(layout.path).resolve():
        raise UserError("不能覆盖原表，请另选一个保存位置或文件名。")
    today = today or dt.date.today()
    check_cancel(is_cancelled)
    if progress:
        progress(0, 0, "正在读取表格…")

    wb, is_xls = open_form(layout.path)
    fresh = read_layout(wb, layout.path, sheet=layout.sheet_name,
                        header_rows=(layout.header_top, layout.header_bottom), is_xls=is_xls)
    if fresh.headers != layout.headers:
        raise UserError(f"表格“{Path(layout.path).name}”在读取后已被修改，请重新打开它再填写。")
    columns = {c: k for c, k in mapping.columns.items() if fresh.column(c) is not None}
    kinds = {f.key: f.kind for f in source.fields}
    total = source.count(db, resolved, today)
    numbers = sensitive_keys(columns.values())
    records = source.rows(db, resolved, today)
    if numbers and not full_numbers:
        records = (mask_record(record, numbers) for record in records)
    stats = write_rows(wb, fresh, columns, kinds, records, keep_rows=keep_rows,
                       total=total, progress=progress, is_cancelled=is_cancelled)
    if progress:
        progress(stats.written, total or stats.written, "正在保存文件…")
    save_workbook(wb, path, fast_cells=True)
    full = bool(numbers and full_numbers)
    if full:
        record_unmask(db, output=f"填写上级表格：{Path(layout.path).name}", fields=numbers, count=stats.written,
                      target=path, table=SOURCE_TABLES.get(source.key, "members"))

    messages = []
    if is_xls:
        messages.append(f"原表为 .xls 格式，已另存为 .xlsx：{path.name}")
    elif path != requested:
        messages.append(f"填好的表格保存为 .xlsx 格式：{path.name}")
    if stats.written:
        messages.append(f"已填写 {stats.written} 行（第{stats.first_row}–{stats.last_row}行），"
                        f"来源：{source.describe(db, resolved)}")
    else:
        messages.append(f"没有符合条件的记录，表中没有填写任何行（来源：{source.describe(db, resolved)}）")
    if stats.kept:
        messages.append(f"保留了原表中已有的 {stats.kept} 行")
    elif stats.replaced:
        messages.append(f"原表中已有的 {stats.replaced} 行已替换")
    if stats.removed_blank:
        messages.append(f"原表中多余的 {stats.removed_blank} 行已删除")
    if fresh.footer_first and stats.footer_shift:
        first_line = fresh.footer_lines[0][:20] if fresh.footer_lines else "表尾"
        messages.append(f"表格下方的“{first_line}”等内容已移到第{stats.footer_from}行")
    for column in unmatched_columns(fresh, FormMapping(source.key, columns)):
        messages.append(f"{column.label}未对应字段，已留空")
    labels = "、".join(field_labels(numbers))
    if numbers and stats.written:
        messages.append(f"{labels}按完整号码填写（已记入修改记录）" if full else
                        f"{labels}只填写了前后几位（其余以*代替）；上级需要完整号码时，请勾选“{FULL_NUMBERS_TEXT}”"
                        f"（命令行加 {FULL_NUMBERS_OPTION}）后重新填写")
    return FillResult(path=path, rows_written=stats.written, rows_kept=stats.kept, first_row=stats.first_row,
                      last_row=stats.last_row, source_text=source.describe(db, resolved), messages=messages,
                      numbers=field_labels(numbers), full_numbers=full)


__all__ = ["FillResult", "FormMapping", "HeaderChange", "compare_with_saved", "fill_form", "inspect_form",
           "mapping_from_saved", "mapping_lines", "numbers_mapped", "output_path", "preview_rows", "propose_mapping",
           "save_form_mapping", "saved_from", "unmatched_columns"]
