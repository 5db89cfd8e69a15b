"""Demo honours (荣誉): a few honours at several levels over the last three years.

Registered as a demo extension when imported (see :func:`gonghui_desk.demo.register_extension`).
The demo union gets:

- a 市劳动模范 (市级, two years ago) to a working member in mid-career who had no 劳模类型;
  the honour is saved through :class:`~gonghui_desk.honours.store.HonourStore`, so the member's
  劳模类型 becomes 市级劳模 by the store's own rule — this year the same member is 推荐 for the
  province's 五一劳动奖章 (推荐 in progress);
- 先进个人 from the upstream union (县区级) to two members last year;
- a 三八红旗手 (市级) to a woman member last year;
- 工人先锋号 (市级) to one of the union's departments, and a 巾帼文明岗 being 申报 this year for
  a group by name (教务处, 质检班);
- 模范职工之家 (县区级) to the union itself two years ago;
- 优秀工会积极分子 (本单位) to three members this year.

Every record goes through the store (one transaction with the demo), so the data passes the
app's own checks and the 劳模类型 agrees with the honours.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlite_utils

from gonghui_desk.dates import age_on
from gonghui_desk.demo import RETIREES_UNIT, register_extension
from gonghui_desk.honours.store import HonourInput, HonourStore
from gonghui_desk.union import load_profile


def _day(rng: random.Random, year: int, month: int, today: dt.date) -> str:
    """A day of ``month`` in ``year``, never after today."""
    day = dt.date(year, month, rng.randint(1, 28))
    return min(day, today).isoformat()


def _working(db: sqlite_utils.Database, today: dt.date) -> list[dict]:
    return [m for m in db.query("SELECT id, name, sex, birth_date, model_worker_type FROM members "
                                "WHERE status = '在册' AND voided_at IS NULL ORDER BY id")
            if m["birth_date"] and 30 <= age_on(dt.date.fromisoformat(m["birth_date"]), today) <= 55]


@register_extension
def add_honours(db: sqlite_utils.Database, rng: random.Random, today: dt.date, kind: str) -> None:
    """A few honours at several levels (runs inside the demo's transaction)."""
    store = HonourStore(db, today=today)
    people = _working(db, today)
    if len(people) < 8:
        return
    rng.shuffle(people)
    model = next((m for m in people if 40 <= age_on(dt.date.fromisoformat(m["birth_date"]), today)
                  and not m["model_worker_type"]), people[0])
    others = [m for m in people if m["id"] != model["id"]]
    woman = next((m for m in others if m["sex"] == "女"), others[0])
    others = [m for m in others if m["id"] != woman["id"]]
    units = [r[0] for r in db.execute("SELECT id FROM sub_units WHERE parent_id IS NULL AND voided_at IS NULL "
                                      "AND name != ? ORDER BY sort_order, id", [RETIREES_UNIT])]
    profile = load_profile(db)
    upstream = profile.upstream_union or "上级工会"
    two_years_ago, last_year, this_year = today.year - 2, today.year - 1, today.year
    group_name = "教务处" if kind == "school" else "质检班"

    honours = [
        HonourInput("个人", member_id=model["id"], title="市劳动模范", level="市级", conferred_by="市人民政府",
                    year=two_years_ago, conferred_on=_day(rng, two_years_ago, 4, today)),
        HonourInput("本会", title="模范职工之家", level="县区级", conferred_by=upstream, year=two_years_ago,
                    conferred_on=_day(rng, two_years_ago, 12, today)),
        HonourInput("个人", member_id=woman["id"], title="三八红旗手", level="市级", conferred_by="市妇女联合会",
                    year=last_year, conferred_on=_day(rng, last_year, 3, today)),
        *(HonourInput("个人", member_id=m["id"], title="先进个人", level="县区级", conferred_by=upstream,
                      year=last_year, conferred_on=_day(rng, last_year, 12, today)) for m in others[:2]),
        *(HonourInput("个人", member_id=m["id"], title="优秀工会积极分子", level="本单位", conferred_by=profile.name,
                      year=this_year, conferred_on=_day(rng, this_year, min(today.month, 5), today))
          for m in others[2:5]),
        HonourInput("个人", member_id=model["id"], title="五一劳动奖章", level="省部级", conferred_by="省总工会",
                    year=this_year, stage="推荐", notes="已由县总工会推荐，等待省总工会评审"),
    ]
    if units:
        honours.append(HonourInput("集体", sub_unit_id=units[0], title="工人先锋号", level="市级",
                                   conferred_by="市总工会", year=last_year,
                                   conferred_on=_day(rng, last_year, 4, today)))
    honours.append(HonourInput("集体", group_name=group_name, title="巾帼文明岗", level="市级",
                               conferred_by="市总工会", year=this_year, stage="申报"))
    for honour in honours:
        store.save(honour)
