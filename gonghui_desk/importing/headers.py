"""Finding the header row of a spreadsheet and matching its columns to fields.

Every importer describes its fields with a *synonym table*: field key -> the header texts
seen on real forms for that field (the app's own label first). ``build_synonyms`` makes one
from a label table and a table of variants; ``detect_header_row``, ``read_header`` and
``auto_map`` work with any such table, so the visits, hardship and proposal importers only
add their own tables next to ``MEMBER_SYNONYMS``.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from gonghui_desk.importing.spreadsheet import SpreadsheetError, cell_text
from gonghui_desk.members import ROSTER_COLUMNS

Synonyms = Mapping[str, Sequence[str]]

_BRACKETS = str.maketrans("（）【】［］｛｝〔〕", "()[][]{}[]")
_NOTES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")  # （必填） [文本格式] {…}
_NOISE = re.compile(r"[\s\u3000*＊:：]")
# A header that merely contains a synonym ("本人联系电话" ⊃ "联系电话") matches it only when the
# rest is short, so that a title or a "填报单位：某某公司" line does not pass for a header.
CONTAINED_MATCH_SLACK = 4
# A header naming a place ("户籍所在地", "家庭住址") is not the field whose word it contains ("户籍" is the
# 户籍类型 城镇/农村): it matches only a synonym it equals.
PLACE_ENDINGS = ("地", "地址", "地点", "住址")


def normalize_header(text) -> str:
    """The comparable form of a header cell: no spaces, asterisks, colons or bracketed notes."""
    if text is None:
        return ""
    plain = cell_text(text).translate(_BRACKETS)
    plain = _NOTES.sub("", plain)
    return _NOISE.sub("", plain).lower()


def build_synonyms(labels: Mapping[str, str], variants: Synonyms) -> dict[str, tuple[str, ...]]:
    """Each field's own label followed by its variants, in the order of ``labels``."""
    table = {}
    for key, label in labels.items():
        texts = [label, *variants.get(key, ())]
        table[key] = tuple(dict.fromkeys(t for t in texts if normalize_header(t)))
    return table


def _normalized(synonyms: Synonyms) -> dict[str, list[str]]:
    return {key: [normalize_header(s) for s in texts] for key, texts in synonyms.items()}


def auto_map(headers: Sequence, synonyms: Synonyms) -> dict[int, str]:
    """Column index -> field key. Exact matches first, then headers containing a synonym
    (the longest synonym wins); each field is used for one column only, the leftmost."""
    normalized = [normalize_header(h) for h in headers]
    table = _normalized(synonyms)
    exact = {}
    for key, texts in table.items():
        for text in texts:
            exact.setdefault(text, key)
    mapping: dict[int, str] = {}
    for index, header in enumerate(normalized):
        key = exact.get(header) if header else None
        if key is not None and key not in mapping.values():
            mapping[index] = key
    for index, header in enumerate(normalized):
        if index in mapping or not header or header.endswith(PLACE_ENDINGS):
            continue
        best: tuple[int, str] | None = None
        for key, texts in table.items():
            if key in mapping.values():
                continue
            for text in texts:
                fits = text in header and len(header) - len(text) <= CONTAINED_MATCH_SLACK
                if fits and (best is None or len(text) > best[0]):
                    best = (len(text), key)
        if best is not None:
            mapping[index] = best[1]
    return dict(sorted(mapping.items()))


def detect_header_row(rows: Sequence[Sequence], synonyms: Synonyms, max_scan: int = 20) -> int:
    """Index of the row (among the first ``max_scan``) that names the most known fields.

    Title rows and a "填报单位/日期" line above the header are passed over; at least two
    recognised column names are needed.
    """
    best_index, best_count = None, 1
    for index, row in enumerate(rows[:max_scan]):
        count = len(auto_map(row, synonyms))
        if count > best_count:
            best_index, best_count = index, count
    if best_index is None:
        raise SpreadsheetError(_no_header_message(rows, synonyms, max_scan))
    return best_index


def _no_header_message(rows: Sequence[Sequence], synonyms: Synonyms, max_scan: int) -> str:
    """Why no header was found: a sheet with only a title, or the row that looks most like a header."""
    def texts(row: Sequence) -> list[str]:
        return [cell_text(c) for c in row if cell_text(c)]

    examples = "、".join(f"“{texts[0]}”" for texts in list(synonyms.values())[:4])
    if all(len(texts(row)) < 2 for row in rows):
        title = next((texts(row)[0] for row in rows if texts(row)), "")
        return (f"找不到表头：工作表中只有标题“{_short(title)}”等单独的文字，没有列名和数据。"
                f"请确认选择了正确的工作表，并在数据上方保留一行列名（如{examples}）。")
    message = f"找不到表头：前{max_scan}行中没有一行含有两个以上可识别的列名（如{examples}）"
    widest = max(rows[:max_scan], key=lambda row: len(texts(row)))
    if len(texts(widest)) >= 2:
        shown = "、".join(_short(text, 10) for text in texts(widest)[:6]) + ("…" if len(texts(widest)) > 6 else "")
        found = "其中没有可识别的列名" if not auto_map(widest, synonyms) else "其中可识别的列名不到两个"
        message += f"；最像表头的一行是“{shown}”，{found}"
    return message + "。请确认选择了正确的工作表，并在数据上方保留一行列名。"


def _short(text: str, size: int = 30) -> str:
    return text if len(text) <= size else text[:size] + "…"


def read_header(rows: Sequence[Sequence], header_index: int, synonyms: Synonyms) -> tuple[int, list[str]]:
    """The header texts, and the index of the last header row.

    A two-level header ("联系方式" merged over "手机"/"邮箱") is read as one row: the lower
    row's text wins where there is one. The lower row counts as a header only when each of its
    texts is a known column name or stands under a blank (merged) upper cell. When the row found is
    itself the lower level (most columns are under group headings), the known column names of the
    row above fill its blank (merged-down) cells: "姓名" merged over two rows beside "基本情况"
    over "性别"/"身份证号"/"出生日期".
    """
    texts = [cell_text(c) for c in rows[header_index]]
    if header_index > 0:
        names = {text for variants in _normalized(synonyms).values() for text in variants}
        above = [cell_text(c) for c in rows[header_index - 1]]
        for index, text in enumerate(above[:len(texts)]):
            if text and not texts[index] and normalize_header(text) in names:
                texts[index] = text
    if header_index + 1 >= len(rows):
        return header_index, texts
    lower = [cell_text(c) for c in rows[header_index + 1]]
    recognised = auto_map(lower, synonyms)
    header_like = all(not text or index in recognised or not texts[index] for index, text in enumerate(lower))
    fills_blank = any(text and not texts[index] for index, text in enumerate(lower))
    if recognised and header_like and fills_blank:
        return header_index + 1, [below or above for above, below in zip(texts, lower)]
    return header_index, texts


# --- members ------------------------------------------------------------------------------------
MEMBER_IMPORT_FIELDS: dict[str, str] = dict(ROSTER_COLUMNS)

MEMBER_SYNONYMS: dict[str, tuple[str, ...]] = build_synonyms(MEMBER_IMPORT_FIELDS, {
    "name": ("姓名", "名字", "会员姓名", "职工姓名", "员工姓名", "教职工姓名", "人员姓名"),
    "sex": ("性别",),
    "ethnicity": ("民族",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证", "证件号码", "证件号",
                  "身份证件号码"),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日", "出生时间"),
    "political_status": ("政治面貌", "政治面目", "党派"),
    "education": ("学历", "文化程度", "最高学历", "学历学位"),
    "phone": ("手机号", "手机号码", "联系电话", "电话", "手机", "联系方式", "电话号码"),
    "sub_unit": ("部门", "工作单位", "单位", "科室", "所在部门", "车间", "年级组", "教研组", "分工会", "所在单位",
                 "所属部门", "所在分工会", "部门/科室"),
    "union_group": ("工会小组", "小组", "班组", "所在小组"),
    "position": ("职务/岗位", "职务", "岗位", "职位", "工作岗位", "现任职务"),
    "professional_title": ("职称", "专业技术职称", "技术职称", "专业技术职务"),
    "employment_type": ("用工形式", "用工性质", "用工类型", "人员类别", "人员性质", "编制", "编制情况"),
    "household_type": ("户籍类型", "户口性质", "户籍性质", "户口类型", "户籍"),
    "is_migrant_worker": ("是否农民工", "农民工"),
    "join_date": ("入会日期", "入会时间", "入会年月"),
    "card_number": ("会员证号", "会员证号码", "会员证编号"),
    "work_start_date": ("参加工作日期", "参加工作时间", "参加工作年月", "参工时间", "工作时间"),
    "marital_status": ("婚姻状况", "婚姻状态", "婚否"),
    "model_worker_type": ("劳模类型", "劳模称号", "劳模级别", "劳动模范"),
    "female_retirement_age": ("女职工原退休年龄", "原退休年龄", "退休年龄"),
    "status": ("状态", "会员状态", "会籍状态"),
    "status_date": ("状态日期", "状态变更日期", "变动日期"),
    "notes": ("备注", "说明", "其他"),
})
