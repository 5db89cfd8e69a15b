"""Small checks the record stores share: a date field read into ISO text with a problem for its field,
an integer that is not a bool, and a short list of ids for a message."""

from __future__ import annotations

from typing import Callable

from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.members import Problem


def iso_date(value, field_name: str, problems: list[Problem],
             make_problem: Callable[[str, str], Problem]) -> str | None:
    """``value`` as an ISO date ('' and None give None); a date that cannot be read adds
    ``make_problem(field_name, message)`` to ``problems`` and gives None."""
    try:
        day = parse_date(value)
    except DateParseError as exc:
        problems.append(make_problem(field_name, str(exc)))
        return None
    return day.isoformat() if day else None


def is_int(value) -> bool:
    """An int, and not a bool (True is an int to Python, never an id or a count to us)."""
    return isinstance(value, int) and not isinstance(value, bool)


def ids_text(ids) -> str:
    """"3、5、8", or the first ten and "等N个" for a longer list."""
    ids = list(ids)
    shown = "、".join(str(i) for i in ids[:10])
    return shown + (f"等{len(ids)}个" if len(ids) > 10 else "")
