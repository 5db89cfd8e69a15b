"""The words that change with the kind of unit (DOMAIN.md §1).

Every piece of user-visible text that names the staff, the congress or open affairs asks
:func:`vocabulary_for` instead of hard-coding 职工 or 教职工.
"""

from __future__ import annotations

from dataclasses import dataclass

UNION_KINDS = ("企业", "学校", "医院", "机关", "其他")


@dataclass(frozen=True)
class Vocabulary:
    staff: str  # 职工 / 教职工 / 干部职工
    congress: str  # full name of the congress
    congress_short: str
    open_affairs: str
    sub_unit: str  # what a department is called in this kind of unit


_VOCABULARIES = {
    "企业": Vocabulary("职工", "职工代表大会", "职代会", "厂务公开", "部门"),
    "学校": Vocabulary("教职工", "教职工代表大会", "教代会", "校务公开", "年级组/教研组"),
    "医院": Vocabulary("职工", "职工代表大会", "职代会", "院务公开", "科室"),
    "机关": Vocabulary("干部职工", "职工代表大会", "职代会", "政务公开", "处室"),
    "其他": Vocabulary("职工", "职工代表大会", "职代会", "事务公开", "部门"),
}


def vocabulary_for(kind: str | None) -> Vocabulary:
    return _VOCABULARIES.get(kind or "企业", _VOCABULARIES["企业"])
