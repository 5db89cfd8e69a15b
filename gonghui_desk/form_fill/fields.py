"""The fields a form's columns can be filled from, and the header spellings that name them.

Every record source (:mod:`gonghui_desk.form_fill.sources`) lists its fields as
:class:`~gonghui_desk.exporting.xlsx.Column` objects (key, Chinese label, width, kind): the kind says
how a value is written into the form (text; id — ID, phone, card and account numbers, always text;
date; int; money — integer 分 written in 元). A source about people (every source but none) also
offers the person's own fields (:data:`MEMBER_FIELDS`: 姓名, 性别, 身份证号, 出生日期, 年龄…), so a
送温暖 form asking for 身份证号 and 出生年月 is filled from the recipients' member records.

The header spellings are the importers' synonym tables (``MEMBER_SYNONYMS``, ``VISIT_SYNONYMS``,
``HARDSHIP_SYNONYMS``…), so a header the importer recognises is recognised here too; a source's own
fields come first in its table, so "备注" in a hardship form means the file's notes, not the member's.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from gonghui_desk.exporting.member_roster import MEMBER_SHEET_COLUMNS
from gonghui_desk.exporting.xlsx import Column
from gonghui_desk.importing.headers import MEMBER_SYNONYMS, build_synonyms, normalize_header

SEQ_KEY = "seq"
SEQ_FIELD = Column(SEQ_KEY, "序号", 6, "int")
# "序号" columns are numbered 1, 2, 3… whatever the source; "编号" is left out on purpose (a proposal's number).
SEQ_HEADERS = ("序号", "序", "行号", "顺序号", "no", "no.", "nº")

_EXTRA_MEMBER_FIELDS = (
    Column("age", "年龄", 6, "int"),
    Column("membership_years", "会龄", 6, "int"),
    Column("union_name", "工会名称", 20),
)
# The person's own fields, offered by every source about people. "sub_unit" is the department path,
# "union_group" the 工会小组 under it, as in the roster export.
MEMBER_FIELDS: tuple[Column, ...] = (
    *(c for c in MEMBER_SHEET_COLUMNS if c.key not in ("birth_date", "status", "status_date", "notes")),
    *_EXTRA_MEMBER_FIELDS,
    *(c for c in MEMBER_SHEET_COLUMNS if c.key in ("birth_date", "status", "status_date", "notes")),
)
MEMBER_VARIANTS: dict[str, tuple[str, ...]] = {
    **MEMBER_SYNONYMS,
    "age": ("年龄", "周岁", "年龄（岁）", "年龄(岁)"),
    "membership_years": ("会龄", "会龄（年）"),
    "union_name": ("工会名称", "所在工会", "基层工会名称", "基层工会", "所属工会", "工会"),
}


def merge_variants(*tables: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """One variants table from several: a key's spellings from every table, first table first."""
    merged: dict[str, list[str]] = {}
    for table in tables:
        for key, texts in table.items():
            merged.setdefault(key, []).extend(texts)
    return {key: tuple(dict.fromkeys(texts)) for key, texts in merged.items()}


def renamed(table: Mapping[str, Sequence[str]], keys: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """``table``'s spellings under this module's keys: ``keys`` maps our key -> the table's key."""
    return {ours: tuple(table[theirs]) for ours, theirs in keys.items() if theirs in table}


def synonym_table(fields: Iterable[Column], variants: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The synonym table of a source: 序号 first, then each field's label and its variants, in field order."""
    labels = {SEQ_KEY: SEQ_FIELD.label}
    labels.update((f.key, f.label) for f in fields if f.key != SEQ_KEY)
    return build_synonyms(labels, {SEQ_KEY: SEQ_HEADERS, **variants})


def is_seq_header(text: str) -> bool:
    return normalize_header(text) in {normalize_header(t) for t in SEQ_HEADERS}


__all__ = ["MEMBER_FIELDS", "MEMBER_VARIANTS", "SEQ_FIELD", "SEQ_HEADERS", "SEQ_KEY", "is_seq_header",
           "merge_variants", "renamed", "synonym_table"]
