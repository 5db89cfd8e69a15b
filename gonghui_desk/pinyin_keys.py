"""Search keys so that "zs", "zhangsan" and "张三" all find 张三.

For every name we store the full pinyin and the initials, both without tones or spaces.
Common surnames with a special reading (单 shan, 曾 zeng, 解 xie…) get every reading of
their first character, so both spellings find the person.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product


# Characters whose surname reading differs from pypinyin's first guess.
_SURNAME_READINGS = {
    "单": ("shan", "dan"), "曾": ("zeng", "ceng"), "解": ("xie", "jie"), "仇": ("qiu", "chou"),
    "朴": ("piao", "pu"), "查": ("zha", "cha"), "区": ("ou", "qu"), "乐": ("yue", "le"),
    "尉": ("yu", "wei"), "盖": ("ge", "gai"), "缪": ("miao", "mou"), "覃": ("qin", "tan"),
    "长": ("chang", "zhang"), "重": ("chong", "zhong"), "翟": ("zhai", "di"), "秘": ("bi", "mi"),
    "种": ("chong", "zhong"), "员": ("yun", "yuan"), "万": ("wan", "mo"), "召": ("shao", "zhao"),
}


@lru_cache(maxsize=65536)
def _readings(name: str) -> tuple[tuple[str, ...], ...]:
    from pypinyin import lazy_pinyin  # its dictionaries take a quarter second to load: not at start-up

    per_char = [(p,) for p in lazy_pinyin(name, errors=lambda chars: list(chars.lower()))]
    if name and name[0] in _SURNAME_READINGS and per_char:
        per_char[0] = _SURNAME_READINGS[name[0]]
    return tuple(per_char)


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of every reading, each list space-separated."""
    name = (name or "").strip()
    if not name:
        return "", ""
    readings = _readings(name)
    full, initials = [], []
    for combo in product(*readings):
        full.append("".join(combo))
        initials.append("".join(p[0] for p in combo if p))
    return " ".join(dict.fromkeys(full)), " ".join(dict.fromkeys(initials))


def sort_key(name: str) -> str:
    """Pinyin for ordering names as a Chinese reader expects (surnames read as surnames).

    Syllables are separated by spaces so that each surname stays together: 陈 (chen) sorts
    before 程 (cheng) whatever the given names are.
    """
    return " ".join(options[0] for options in _readings((name or "").strip())).lower()


__all__ = ["name_keys", "sort_key"]
