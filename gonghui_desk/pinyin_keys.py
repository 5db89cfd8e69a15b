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


def _spell_unknown(chars: str) -> list[str]:
    """What pypinyin gives for characters without a reading (Latin letters, digits): each one, lowercased."""
    return list(chars.lower())


@lru_cache(maxsize=1)
def _lazy_pinyin():
    """``pypinyin.lazy_pinyin`` with its default converter, remembering the reading of each word it segments
    a name into: names share their characters, and converting them was most of the time of importing a
    roster. The readings are exactly pypinyin's; another pypinyin without these classes gets its own function."""
    # its dictionaries take a quarter second to load: not at start-up
    try:
        from pypinyin.converter import UltimateConverter
        from pypinyin.core import Pinyin
    except ImportError:
        from pypinyin import lazy_pinyin

        return lazy_pinyin

    class RememberingConverter(UltimateConverter):
        def __init__(self):
            super().__init__(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False)
            self.seen: dict[tuple, list] = {}

        def convert(self, words, style, heteronym, errors, strict, **kwargs):
            if kwargs:
                return super().convert(words, style, heteronym, errors, strict, **kwargs)
            key = (words, style, heteronym, errors, strict)
            found = self.seen.get(key)
            if found is None:
                if len(self.seen) >= 65536:
                    self.seen.clear()
                found = self.seen[key] = super().convert(words, style, heteronym, errors, strict)
            return list(found)

    return Pinyin(RememberingConverter()).lazy_pinyin


@lru_cache(maxsize=65536)
def _readings(name: str) -> tuple[tuple[str, ...], ...]:
    per_char = [(p,) for p in _lazy_pinyin()(name, errors=_spell_unknown)]
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
