"""The event register (活动台账): which events match a filter, their rows and figures, the totals of a period,
an event's participants and award list, and a member's entries and results — all counted in SQL.

Like the care ledger, the events page asks for the ordered ids of the events matching an
:class:`EventFilter` and fetches the rows it shows a page at a time (:func:`event_rows`); exports read every
matching event in batches (:func:`iter_events`). Voided events never appear, nor do voided entries,
results, teams, team members, or entries of voided members.

How participation counts (DOMAIN.md §3):

* 人次 (``person_times``): one per person per entry. An individual entry is 1 人次; a team entry is one
  人次 for each of the team's live members. So a member in two items is 2 人次 and 1 人, and a member who
  runs the 100 米 and plays in the tug-of-war team is 2 人次 as well.
* 人 (``persons``): distinct members, team entries expanded to their members.
* 支 (``teams``): distinct teams with a live entry. A team counts only through its entries.
* Results: 获奖 is a result with a grade (一等奖 … 组织奖). 获奖人次 counts award results, a team's award
  once per member; 获奖人数 counts distinct persons. An award to an awardee without an entry (组织奖 to a
  sub-unit or the union) is a collective award, counted apart (``collective_awards``).
* Period totals (:func:`event_totals`): 场次 counts the events **held** (已举办) whose start date falls in
  the period; every other figure (人次, 人, teams, cost, prizes, awards, promotions) counts held events
  only. Planned (计划) and cancelled (已取消) events are counted apart (``planned``, ``cancelled``); their
  registrations and costs are not in the figures.
* 参与率 (``participation_rate``): distinct participants who were 在册 on the base date ÷ members 在册 on
  the base date (``base_members``). The base date is the period's last day (``date_to``), or today when
  the period has no end or ends after today. Retired members (退休) are in neither count, so the rate is
  a share of the working members and never above 100%; ``persons`` still counts everyone who took part.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from itertools import compress
from typing import Iterator

import sqlite_utils

from gonghui_desk.db.batches import ID_CHUNK, rows_by_id
from gonghui_desk.db.member_queries import _escape_like, status_on_sql
from gonghui_desk.union import sub_unit_paths

__all__ = ["ALL_ITEMS", "EVENT_SORTS", "PARTICIPANT_SORTS", "EventFigures", "EventFilter", "EventTotals", "KindParticipation",
           "Participation", "award_rows", "entered_member_ids",
           "entry_rows", "event_figures", "event_ids", "event_items", "event_rows", "event_teams", "event_title",
           "event_totals", "iter_award_rows", "iter_events", "iter_participant_persons", "iter_participants",
           "held_counts", "member_entries", "member_results", "members_on_roll", "on_roll_ids", "participant_ids", "participant_rows", "team_entered_items",
           "participation", "participation_counts", "voided_members", "where_clause"]


@dataclass
class EventFilter:
    date_from: str | None = None  # ISO; on start_date
    date_to: str | None = None
    kinds: tuple[str, ...] | None = None
    status: str | tuple[str, ...] | None = None  # one status, several, or None: every status
    organiser_kind: str | None = None  # 本会 / 上级 / 外单位
    holiday: str | None = None
    search: str = ""  # words of the event's name


EVENT_SORTS = ("start_date", "name", "kind", "status", "organiser_kind", "cost")
_SORT_SQL = {
    "start_date": "e.start_date",
    "name": "e.name",
    "kind": "e.kind",
    "status": "CASE e.status WHEN '计划' THEN 0 WHEN '已举办' THEN 1 ELSE 2 END",  # 计划, 已举办, 已取消
    "organiser_kind": "e.organiser_kind",
    "cost": "e.cost_fen",
}
HELD = "已举办"


def event_title(name: str, edition: int | None) -> str:
    """"职工技能大赛", 3 -> "第3届职工技能大赛"; a name that already says its edition is left as it is."""
    if not edition or re.match(r"^(\d{4}年)?第.+?届", name):
        return name
    return f"第{edition}届{name}"


def where_clause(f: EventFilter) -> tuple[str, list]:
    """The WHERE clause (on ``events e``) of the events matching ``f``, and its parameters."""
    clauses = ["e.voided_at IS NULL"]
    params: list = []
    for bound, operator in ((f.date_from, ">="), (f.date_to, "<=")):
        if bound:
            clauses.append(f"e.start_date {operator} ?")
            params.append(bound)
    statuses = (f.status,) if isinstance(f.status, str) else f.status
    for column, chosen in (("e.kind", f.kinds), ("e.status", statuses)):
        if chosen is not None:
            clauses.append(f"{column} IN ({', '.join('?' * len(chosen))})" if chosen else "0")
            params += list(chosen)
    for column, value in (("e.organiser_kind", f.organiser_kind), ("e.holiday", f.holiday)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    for term in f.search.lower().split():
        clauses.append("lower(e.name) LIKE ? ESCAPE '\\'")
        params.append(f"%{_escape_like(term)}%")
    return " AND ".join(clauses), params


def _order_by(order: str, descending: bool) -> str:
    if order not in _SORT_SQL:
        raise ValueError(f"unknown event order {order!r}; one of {EVENT_SORTS}")
    direction = "DESC" if descending else "ASC"
    tie = "" if order == "start_date" else f", e.start_date {direction}"
    return f"{_SORT_SQL[order]} {direction}{tie}, e.id {direction}"


def event_ids(db: sqlite_utils.Database, f: EventFilter, order: str = "start_date",
              descending: bool = True) -> list[int]:
    """The ids of the events matching ``f`` in the given order (newest first by default)."""
    where, params = where_clause(f)
    sql = f"SELECT e.id FROM events e WHERE {where} ORDER BY {_order_by(order, descending)}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


# --- participation, expanded to persons ------------------------------------------------------------
_VOIDED_MEMBERS = "SELECT id FROM members WHERE voided_at IS NOT NULL"
VOIDED_WRITTEN_OUT = 500  # up to this many voided members are written into the statements as a list


def voided_members(db: sqlite_utils.Database) -> str:
    """The ids of the voided members for :func:`_participation_cte`: written out ("3, 17") — read again only
    after something was written to the database, by this connection or another, instead of a scan of the
    members table in every statement — or, when there are many, the query for them."""
    conn = db.conn
    stamp = (conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0])
    cached = getattr(db, "_gonghui_voided_members", None)
    if cached is None or cached[0] != stamp:
        ids = [r[0] for r in conn.execute(f"{_VOIDED_MEMBERS} ORDER BY id LIMIT {VOIDED_WRITTEN_OUT + 1}")]
        cached = (stamp, _VOIDED_MEMBERS if len(ids) > VOIDED_WRITTEN_OUT else ", ".join(str(int(i)) for i in ids))
        db._gonghui_voided_members = cached
    return cached[1]


def _participation_cte(event_sql: str, *, voided: str = _VOIDED_MEMBERS) -> str:
    """CTEs of the events selected by ``event_sql`` (a SELECT of event ids): ``part`` (one row per person per
    live entry: event_id, entry_id, member_id, team_id), ``res`` (live results: of live entries of live
    members, or to an awardee; with their entry's entry_member_id and entry_team_id) and ``won`` (one row per
    person per result of an entry: result_id, event_id, grade, promoted, member_id). SQLite computes only the
    CTEs a statement uses.

    An entry's member is live unless it is one of the (few) voided members — ``voided``: their ids written
    out (:func:`voided_members`) or the query for them — a look-up in that small list instead of one into the
    members table per entry, several times faster on a large register (members are never deleted and the
    entry's member_id is a foreign key, so the member exists)."""
    return f"""ev(id) AS ({event_sql}),
        part(event_id, entry_id, member_id, team_id) AS (
            SELECT p.event_id, p.id, p.member_id, NULL FROM event_participants p
            WHERE p.voided_at IS NULL AND p.member_id IS NOT NULL AND p.event_id IN (SELECT id FROM ev)
              AND p.member_id NOT IN ({voided})
            UNION ALL
            SELECT p.event_id, p.id, tm.member_id, p.team_id FROM event_participants p
            JOIN event_teams t ON t.id = p.team_id AND t.voided_at IS NULL
            JOIN event_team_members tm ON tm.team_id = p.team_id AND tm.voided_at IS NULL
            JOIN members m ON m.id = tm.member_id AND m.voided_at IS NULL
            WHERE p.voided_at IS NULL AND p.team_id IS NOT NULL AND p.event_id IN (SELECT id FROM ev)),
        res AS (
            SELECT r.*, p.member_id AS entry_member_id, p.team_id AS entry_team_id FROM event_results r
            LEFT JOIN event_participants p ON p.id = r.participant_id
            WHERE r.voided_at IS NULL AND r.event_id IN (SELECT id FROM ev)
              AND (r.participant_id IS NULL OR (p.voided_at IS NULL AND (p.member_id IS NULL OR p.member_id NOT IN (
                  {voided}))))),
        won(result_id, event_id, grade, promoted, member_id) AS (
            SELECT res.id, res.event_id, res.grade, res.promoted, res.entry_member_id FROM res
            WHERE res.entry_member_id IS NOT NULL
            UNION ALL
            SELECT res.id, res.event_id, res.grade, res.promoted, tm.member_id FROM res
            JOIN event_teams t ON t.id = res.entry_team_id AND t.voided_at IS NULL
            JOIN event_team_members tm ON tm.team_id = res.entry_team_id AND tm.voided_at IS NULL
            JOIN members m ON m.id = tm.member_id AND m.voided_at IS NULL)"""


@dataclass
class EventFigures:
    person_times: int = 0  # 人次
    persons: int = 0  # 人
    teams: int = 0  # 支
    results: int = 0  # live results
    awards: int = 0  # results with a grade (rows; a team's award once)
    winners: int = 0  # distinct persons with an award
    prize_fen: int = 0
    award_times: int = 0  # 获奖人次: award results of entries, a team's award once per member


def event_figures(db: sqlite_utils.Database, ids: list[int], *, participation: "Participation | None" = None
                  ) -> dict[int, EventFigures]:
    """The figures of the given events keyed by id (see the module text for what counts). ``participation``:
    a :func:`participation` of (at least) these events, when the caller has it already: 人次, 人 and 支 are
    then taken from it."""
    figures = {i: EventFigures() for i in ids}
    if participation is not None:
        for event_id in ids:
            f = figures[event_id]
            f.person_times, f.persons, f.teams = participation.by_event.get(event_id, (0, 0, 0))
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        cte = _participation_cte(f"SELECT id FROM events WHERE id IN ({', '.join('?' * len(chunk))})",
                                 voided=voided_members(db))
        for event_id, person_times, persons, teams in () if participation is not None else db.execute(
                f"""WITH {cte} SELECT event_id, count(*), count(DISTINCT member_id), count(DISTINCT team_id)
                    FROM part GROUP BY event_id""", chunk):
            f = figures[event_id]
            f.person_times, f.persons, f.teams = person_times, persons, teams
        for event_id, results, awards, prize in db.execute(
                f"""WITH {cte} SELECT event_id, count(*), count(*) FILTER (WHERE grade <> ''),
                                      coalesce(sum(prize_fen), 0)
                    FROM res GROUP BY event_id""", chunk):
            f = figures[event_id]
            f.results, f.awards, f.prize_fen = results, awards, prize
        for event_id, winners, award_times in db.execute(
                f"""WITH {cte} SELECT event_id, count(DISTINCT member_id), count(*) FROM won WHERE grade <> ''
                    GROUP BY event_id""", chunk):
            figures[event_id].winners, figures[event_id].award_times = winners, award_times
    return figures


_ROW_SQL = "SELECT e.* FROM events e"


def event_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The rows of the given events keyed by id: every event column plus title (第N届 name), items (count
    of live items), entries_count (人次), persons (人), teams, results, awards, winners (distinct persons
    with an award), award_times (获奖人次: a team's award once per member) and prize_fen; cost is the event's
    ``cost_fen``."""
    rows = rows_by_id(db, _ROW_SQL, "e.id", ids)
    _finish(db, rows)
    return rows


def _finish(db: sqlite_utils.Database, rows: dict[int, dict]) -> None:
    ids = list(rows)
    figures = event_figures(db, ids)
    items: dict[int, int] = {}
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        items.update(db.execute(f"SELECT event_id, count(*) FROM event_items WHERE voided_at IS NULL AND event_id IN "
                                f"({', '.join('?' * len(chunk))}) GROUP BY event_id", chunk).fetchall())
    for event_id, row in rows.items():
        f = figures[event_id]
        row["title"] = event_title(row["name"], row["edition"])
        row["items"] = items.get(event_id, 0)
        row["entries_count"] = f.person_times
        row["persons"], row["teams"], row["results"] = f.persons, f.teams, f.results
        row["awards"], row["winners"], row["prize_fen"] = f.awards, f.winners, f.prize_fen
        row["award_times"] = f.award_times


def iter_events(db: sqlite_utils.Database, f: EventFilter, *, order: str = "start_date", descending: bool = False,
                batch: int = ID_CHUNK) -> Iterator[dict]:
    """Every event matching ``f`` (shaped like :func:`event_rows`) in order, ``batch`` at a time (exports)."""
    ids = event_ids(db, f, order, descending)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        rows = event_rows(db, chunk)
        for event_id in chunk:
            yield rows[event_id]


# --- the participation in a set of events, expanded once --------------------------------------------------
@dataclass
class KindParticipation:
    """The participation in some of the events of a :class:`Participation` (its events of one kind, say)."""

    person_times: int = 0  # 人次
    entry_ids: list[int] = field(default_factory=list)  # the live entries, ascending
    member_ids: list[int] = field(default_factory=list)  # the distinct persons, ascending
    team_ids: list[int] = field(default_factory=list)  # the distinct teams with an entry, ascending


class Participation:
    """The live entries of a set of events expanded to persons — exactly the rows ``part`` of
    :func:`_participation_cte` gives — read once, for work that needs many figures of the same events: a report's
    sections count their totals, kinds, main events, appendix tables and the women's share from it instead of
    expanding the same entries again for each figure. Made by :func:`participation`."""

    def __init__(self, kinds: dict[int, str] | None = None,
                 rows: dict[int, tuple[list[int], list[int], list[int | None] | None]] | None = None):
        self.kind_of = dict(kinds or {})  # event id -> its kind
        # event id -> (entry ids, member ids, team ids or None), one per person per entry; the team ids are None
        # (rather than a list of None) for an event with individual entries only
        self.rows = rows or {}
        self._by_event: dict[int, tuple[int, int, int]] | None = None
        self._members: list[int] | None = None
        self.by_kind: dict[str, KindParticipation] = {}  # kind -> its participation (kinds with entries only)
        for kind in dict.fromkeys(self.kind_of[e] for e in self.rows):
            self.by_kind[kind] = self.of(kinds=(kind,))

    @property
    def by_event(self) -> dict[int, tuple[int, int, int]]:
        """event id -> (人次, 人, 支) of the events with entries (worked out when first asked for)."""
        if self._by_event is None:
            self._by_event = {e: (len(entries), len(set(members)), len(set(teams) - {None}) if teams else 0)
                              for e, (entries, members, teams) in self.rows.items()}
        return self._by_event

    def times(self, event_id: int) -> int:
        """The event's 人次 (0 without entries)."""
        found = self.rows.get(event_id)
        return len(found[0]) if found else 0

    def of(self, *, kinds=None, events=None, members=None) -> KindParticipation:
        """The participation in the events of ``kinds`` (None: every kind) and of ``events`` (ids; None: every
        event), of the persons in ``members`` (a set of member ids; None: everyone)."""
        times, entries, persons, teams = 0, set(), set(), set()
        for event_id, (entry_ids, member_ids, team_ids) in self.rows.items():
            if (kinds is not None and self.kind_of[event_id] not in kinds) or (events is not None and event_id not in events):
                continue
            if members is None:
                times += len(entry_ids)
                entries.update(entry_ids)
                persons.update(member_ids)
                if team_ids:
                    teams.update(team_ids)
            else:
                chosen = list(map(members.__contains__, member_ids))
                times += sum(chosen)
                entries.update(compress(entry_ids, chosen))
                persons.update(compress(member_ids, chosen))
                if team_ids:
                    teams.update(compress(team_ids, chosen))
        teams.discard(None)
        return KindParticipation(times, sorted(entries), sorted(persons), sorted(teams))

    def restricted(self, kinds) -> "Participation":
        """The participation in the events of ``kinds`` only (sharing this one's rows and figures)."""
        part = Participation()
        part.kind_of = {e: k for e, k in self.kind_of.items() if k in kinds}
        part.rows = {e: r for e, r in self.rows.items() if e in part.kind_of}
        part.by_kind = {k: f for k, f in self.by_kind.items() if k in kinds}
        return part

    def person_times(self) -> int:
        return sum(k.person_times for k in self.by_kind.values())

    def member_ids(self) -> list[int]:
        """The distinct persons, ascending (worked out once: the list is shared, not to be changed)."""
        if self._members is None:
            found = [k.member_ids for k in self.by_kind.values()]
            self._members = list(found[0]) if len(found) == 1 else sorted(set().union(*found))
        return self._members

    def team_ids(self) -> list[int]:
        return sorted({t for k in self.by_kind.values() for t in k.team_ids})


def participation(db: sqlite_utils.Database, event_sql: str, params=()) -> Participation:
    """The :class:`Participation` in the events selected by ``event_sql`` (a SELECT of event ids, with its
    ``params``). The rows are those of ``part`` in :func:`_participation_cte`, read in one pass over the
    entries index, event by event (no sorting), each event's ids as JSON arrays rather than a row per record."""
    kinds: dict[int, str] = {}
    rows: dict[int, tuple[list[int], list[int], list[int | None] | None]] = {}
    params = list(params)
    # individual entries: one row each (grouped by event in the order the index gives them)
    for event_id, kind, entries, members in db.execute(
            f"""WITH ev(id) AS ({event_sql})
                SELECT e.id, e.kind, json_group_array(p.id), json_group_array(p.member_id)
                FROM events e JOIN event_participants p ON p.event_id = e.id
                WHERE e.id IN (SELECT id FROM ev) AND p.voided_at IS NULL AND p.member_id IS NOT NULL
                  AND p.member_id NOT IN ({voided_members(db)})
                GROUP BY e.id""", params):
        kinds[event_id] = kind
        rows[event_id] = (json.loads(entries), json.loads(members), None)
    # team entries: one row per live member of the team (as part's second half)
    # (from the teams, which are few, rather than through every entry of the events)
    for event_id, kind, entry_id, member_id, team_id in db.execute(
            f"""WITH ev(id) AS ({event_sql})
                SELECT p.event_id, e.kind, p.id, tm.member_id, p.team_id FROM event_teams t
                CROSS JOIN event_participants p ON p.team_id = t.id AND p.voided_at IS NULL
                JOIN event_team_members tm ON tm.team_id = p.team_id AND tm.voided_at IS NULL
                JOIN members m ON m.id = tm.member_id AND m.voided_at IS NULL
                JOIN events e ON e.id = p.event_id
                WHERE t.voided_at IS NULL AND +p.event_id IN (SELECT id FROM ev)""", params):
        kinds[event_id] = kind
        entries, members, teams = rows.setdefault(event_id, ([], [], None))
        if teams is None:
            teams = [None] * len(entries)
            rows[event_id] = (entries, members, teams)
        entries.append(entry_id)
        members.append(member_id)
        teams.append(team_id)
    return Participation(kinds, rows)


# --- totals of a period ------------------------------------------------------------------------------------
@dataclass
class EventTotals:
    events: int = 0  # 场次: events held (已举办) in the period
    planned: int = 0  # 计划 events in the period, not in the figures
    cancelled: int = 0  # 已取消 events in the period, not in the figures
    person_times: int = 0  # 人次 (held events; team entries count each member)
    persons: int = 0  # 人: distinct members across the held events
    teams: int = 0  # 支: team entries' distinct teams
    cost_fen: int = 0  # the held events' cost
    prize_fen: int = 0  # prize money of their live results
    awards: int = 0  # 获奖人次: award results, a team's award once per member
    winners: int = 0  # 获奖人数: distinct persons with an award
    by_grade: dict[str, tuple[int, int]] = field(default_factory=dict)  # grade -> (人, 人次), in list order
    collective_awards: int = 0  # awards to an awardee without an entry (组织奖…)
    promoted: int = 0  # 人次 sent on to an upstream round (a team once per member)
    promoted_persons: int = 0
    by_kind: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # kind -> (场次, 人次, 人), most 人次 first
    base_date: str = ""  # the day the rate's base is taken on
    base_members: int = 0  # members 在册 on base_date
    base_persons: int = 0  # distinct participants 在册 on base_date
    participation_rate: float | None = None  # base_persons / base_members

    @property
    def rate_base_text(self) -> str:
        """The rate's base in words, e.g. "参加活动的在册会员312人 ÷ 2026-12-31在册会员800人"."""
        return f"参加活动的在册会员{self.base_persons}人 ÷ {self.base_date}在册会员{self.base_members}人"


def _status_today_sql(db: sqlite_utils.Database, day: str, member_column: str) -> tuple[str, list]:
    """SQL (and parameters) for "the member was 在册 on ``day``". When no status change takes effect after
    ``day`` the status column says it already (one index scan instead of a look-up per member)."""
    later = db.execute("SELECT EXISTS (SELECT 1 FROM member_status_changes WHERE effective_date > ?)",
                       [day]).fetchone()[0]
    if not later:
        return (f"{member_column} IN (SELECT id FROM members WHERE voided_at IS NULL AND status = '在册')", [])
    return f"{status_on_sql(member_column)} = '在册'", [day]


def members_on_roll(db: sqlite_utils.Database, day: str) -> int:
    """Members (not voided) whose status on ``day`` was 在册, from the status history."""
    condition, params = _status_today_sql(db, day, "m.id")
    if not params:  # nothing changed since: the status column says it (the members_sub_unit index holds it)
        condition = "m.status = '在册'"
    return db.execute(f"SELECT count(*) FROM members m WHERE m.voided_at IS NULL AND {condition}",
                      params).fetchone()[0]


def _grade_order(db: sqlite_utils.Database) -> dict[str, int]:
    return {value: order for value, order in db.execute(
        "SELECT value, min(sort_order) FROM value_lists WHERE list_key = 'event.grade' GROUP BY value")}


def _event_counts(db: sqlite_utils.Database, where: str, params: list, totals: EventTotals) -> None:
    for status, count, cost in db.execute(
            f"SELECT e.status, count(*), coalesce(sum(e.cost_fen), 0) FROM events e WHERE {where} GROUP BY e.status",
            params):
        if status == HELD:
            totals.events, totals.cost_fen = count, cost
        elif status == "计划":
            totals.planned = count
        else:
            totals.cancelled = count


def held_counts(db: sqlite_utils.Database, f: EventFilter) -> EventTotals:
    """The light part of :func:`event_totals` (for the home page): events held, planned and cancelled, cost,
    人次 and 人; the other figures stay 0."""
    where, params = where_clause(f)
    totals = EventTotals()
    _event_counts(db, where, params, totals)
    cte = _participation_cte(f"SELECT e.id FROM events e WHERE {where} AND e.status = '{HELD}'",
                             voided=voided_members(db))
    totals.person_times, totals.persons = db.execute(
        f"WITH {cte} SELECT count(*), count(DISTINCT member_id) FROM part", params).fetchone()
    return totals


def on_roll_ids(db: sqlite_utils.Database, day: str) -> list[int]:
    """The members (not voided) whose status on ``day`` was 在册, ascending (those :func:`members_on_roll`
    counts)."""
    condition, params = _status_today_sql(db, day, "m.id")
    if not params:  # nothing changed since: the status column says it (the members_sub_unit index holds it)
        condition = "m.status = '在册'"
    return sorted(json.loads(db.execute(
        f"SELECT json_group_array(m.id) FROM members m WHERE m.voided_at IS NULL AND {condition}", params).fetchone()[0]))


def event_totals(db: sqlite_utils.Database, f: EventFilter, *, today: dt.date | None = None,
                 participation: Participation | None = None, on_roll: set[int] | None = None) -> EventTotals:
    """The totals of the events matching ``f`` (see the module text for what counts and the rate's base).
    When the caller has them already (a report): ``participation`` — the :func:`participation` in exactly the
    held events matching ``f`` — to count the participation from, and with it ``on_roll``, the ids of
    :func:`on_roll_ids` on the base day."""
    today = today or dt.date.today()
    where, params = where_clause(f)
    totals = EventTotals()
    _event_counts(db, where, params, totals)
    base_day = min(f.date_to or today.isoformat(), today.isoformat())
    totals.base_date = base_day
    if participation is not None and on_roll is not None:
        totals.base_members = len(on_roll)
    else:
        totals.base_members = members_on_roll(db, base_day)
        on_roll = None
    on_roll_sql, on_roll_params = _status_today_sql(db, base_day, "people.member_id") if on_roll is None else ("", [])
    cte = _participation_cte(f"SELECT e.id FROM events e WHERE {where} AND e.status = '{HELD}'",
                             voided=voided_members(db))
    if participation is None:
        # part is materialized once and read by every aggregate of this statement
        row = db.execute(
            f"""WITH {cte}, people(member_id) AS (SELECT DISTINCT member_id FROM part)
                SELECT (SELECT count(*) FROM part), (SELECT count(*) FROM people),
                       (SELECT count(DISTINCT team_id) FROM part),
                       (SELECT count(*) FROM people WHERE {on_roll_sql}),
                       (SELECT json_group_array(json_array(kind, times, persons)) FROM (
                            SELECT e.kind AS kind, count(*) AS times, count(DISTINCT part.member_id) AS persons
                            FROM part JOIN events e ON e.id = part.event_id GROUP BY e.kind))""",
            [*params, *on_roll_params]).fetchone()
        by_kind = json.loads(row[4])
    else:
        members = participation.member_ids()
        if on_roll is not None:
            on_roll_count = len(on_roll.intersection(members))
        else:
            on_roll_count = db.execute(
                f"""WITH people(member_id) AS (SELECT value FROM json_each(?))
                    SELECT count(*) FROM people WHERE {on_roll_sql}""", [json.dumps(members), *on_roll_params]).fetchone()[0]
        row = (participation.person_times(), len(members), len(participation.team_ids()), on_roll_count)
        by_kind = [(kind, k.person_times, len(k.member_ids)) for kind, k in participation.by_kind.items()]
    totals.person_times, totals.persons, totals.teams, totals.base_persons = row[:4]
    if totals.base_members:
        totals.participation_rate = totals.base_persons / totals.base_members
    kinds = {kind: [n, 0, 0] for kind, n in db.execute(
        f"SELECT e.kind, count(*) FROM events e WHERE {where} AND e.status = '{HELD}' GROUP BY e.kind", params)}
    for kind, times, persons in by_kind:
        kinds[kind][1:] = [times, persons]
    totals.by_kind = {kind: tuple(v) for kind, v in sorted(kinds.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))}
    # the results' figures in one statement: res and won are computed once and read by every aggregate
    prize, collective, by_grade, *awards = db.execute(
        f"""WITH {cte}
            SELECT (SELECT coalesce(sum(prize_fen), 0) FROM res),
                   (SELECT count(*) FROM res WHERE participant_id IS NULL AND grade <> ''),
                   (SELECT json_group_array(json_array(grade, persons, times)) FROM (
                        SELECT grade, count(DISTINCT member_id) AS persons, count(*) AS times FROM won
                        WHERE grade <> '' GROUP BY grade)),
                   w.* FROM (
                SELECT count(*) FILTER (WHERE grade <> ''), count(DISTINCT member_id) FILTER (WHERE grade <> ''),
                       count(*) FILTER (WHERE promoted = 1), count(DISTINCT member_id) FILTER (WHERE promoted = 1)
                FROM won) AS w""", params).fetchone()
    totals.prize_fen, totals.collective_awards = prize, collective
    order = _grade_order(db)
    for grade, persons, times in sorted(json.loads(by_grade), key=lambda r: (order.get(r[0], len(order)), r[0])):
        totals.by_grade[grade] = (persons, times)
    totals.awards, totals.winners, totals.promoted, totals.promoted_persons = awards
    return totals


# --- one event: items, teams, participants, awards ----------------------------------------------------------
def event_items(db: sqlite_utils.Database, event_id: int) -> list[dict]:
    """The event's live items in order, each with ``entries`` (live entry rows)."""
    return list(db.query(
        """SELECT i.*, (SELECT count(*) FROM event_participants p WHERE p.item_id = i.id AND p.voided_at IS NULL)
                       AS entries
           FROM event_items i WHERE i.event_id = ? AND i.voided_at IS NULL ORDER BY i.sort_order, i.id""",
        [event_id]))


def _team_members(db: sqlite_utils.Database, team_ids: list[int], paths: dict[int, str]) -> dict[int, list[dict]]:
    """{team id: [{member_id, name, sub_unit_path, captain}, …]} of live members of live member records, by name."""
    members: dict[int, list[dict]] = {i: [] for i in team_ids}
    for start in range(0, len(team_ids), ID_CHUNK):
        chunk = team_ids[start:start + ID_CHUNK]
        for row in db.query(
                f"""SELECT tm.team_id, m.id AS member_id, m.name, m.sub_unit_id, m.status AS member_status,
                           t.captain_member_id = m.id AS captain
                    FROM event_team_members tm JOIN event_teams t ON t.id = tm.team_id
                    JOIN members m ON m.id = tm.member_id AND m.voided_at IS NULL
                    WHERE tm.voided_at IS NULL AND tm.team_id IN ({', '.join('?' * len(chunk))})
                    ORDER BY captain DESC, m.name_sort, m.id""", chunk):
            team_id = row.pop("team_id")
            row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
            row["captain"] = bool(row["captain"])
            members[team_id].append(row)
    return members


def event_teams(db: sqlite_utils.Database, event_id: int) -> list[dict]:
    """The event's live teams by name: every team column plus sub_unit_path, captain_name, members (as in
    :func:`participant_rows`) and entries (live entry rows)."""
    paths = sub_unit_paths(db)
    teams = list(db.query(
        """SELECT t.*, c.name AS captain_name,
                  (SELECT count(*) FROM event_participants p WHERE p.team_id = t.id AND p.voided_at IS NULL) AS entries
           FROM event_teams t LEFT JOIN members c ON c.id = t.captain_member_id
           WHERE t.event_id = ? AND t.voided_at IS NULL ORDER BY t.name, t.id""", [event_id]))
    members = _team_members(db, [t["id"] for t in teams], paths)
    for team in teams:
        team["sub_unit_path"] = paths.get(team["sub_unit_id"], "")
        team["members"] = members[team["id"]]
    return teams


PARTICIPANT_SORTS = ("item", "name", "sub_unit", "entered")
_ENTRY_SORT_SQL = {
    "item": ("coalesce(i.sort_order, 0)", "i.id", "p.team_id IS NOT NULL", "coalesce(m.name_sort, t.name)"),
    "name": ("coalesce(m.name_sort, t.name)",),
    "sub_unit": ("coalesce(m.sub_unit_id, t.sub_unit_id)", "coalesce(m.name_sort, t.name)"),
    "entered": ("p.id",),
}
_ENTRY_FROM = """FROM event_participants p
                 LEFT JOIN event_items i ON i.id = p.item_id
                 LEFT JOIN members m ON m.id = p.member_id
                 LEFT JOIN event_teams t ON t.id = p.team_id"""
_ENTRY_LIVE = "p.voided_at IS NULL AND (p.member_id IS NULL OR m.voided_at IS NULL)"
ALL_ITEMS = object()  # every item of the event (item_id=None means: entries in the event as a whole)
_ALL = ALL_ITEMS


def participation_counts(db: sqlite_utils.Database, event_id: int, *, item_id=_ALL) -> tuple[int, int, int]:
    """(人次, 人, 支) of the event's live entries: every item by default, or one item (``None``: the entries in
    the event as a whole); counted as :func:`event_figures` counts them, team entries expanded to their members."""
    cte = _participation_cte("SELECT ?", voided=voided_members(db))
    item_clause, params = "", [event_id]
    if item_id is not _ALL:
        item_clause, params = "WHERE p.item_id IS ?", [event_id, item_id]
    return tuple(db.execute(
        f"""WITH {cte} SELECT count(*), count(DISTINCT part.member_id), count(DISTINCT part.team_id)
            FROM part JOIN event_participants p ON p.id = part.entry_id {item_clause}""", params).fetchone())


def participant_ids(db: sqlite_utils.Database, event_id: int, *, item_id=_ALL, search: str = "",
                    order: str = "item", descending: bool = False) -> list[int]:
    """The ids of the event's live entries (of live members): every item by default, or one item (``None``:
    the entries in the event as a whole); ``search`` matches the member (name, pinyin, initials), a team's
    name or one of its members."""
    if order not in _ENTRY_SORT_SQL:
        raise ValueError(f"unknown participant order {order!r}; one of {PARTICIPANT_SORTS}")
    clauses, params = ["p.event_id = ?", _ENTRY_LIVE], [event_id]
    if item_id is not _ALL:
        clauses.append("p.item_id IS ?")
        params.append(item_id)
    for term in search.lower().split():
        like = f"%{_escape_like(term)}%"
        clauses.append("""(m.search_text LIKE ? ESCAPE '\\' OR t.name LIKE ? ESCAPE '\\' OR p.team_id IN (
                              SELECT tm.team_id FROM event_team_members tm JOIN members x ON x.id = tm.member_id
                              WHERE tm.voided_at IS NULL AND x.search_text LIKE ? ESCAPE '\\'))""")
        params += [like, like, like]
    direction = "DESC" if descending else "ASC"
    keys = ", ".join(f"{key} {direction}" for key in _ENTRY_SORT_SQL[order])
    sql = f"SELECT p.id {_ENTRY_FROM} WHERE {' AND '.join(clauses)} ORDER BY {keys}, p.id {direction}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


_ENTRY_ROW_SQL = f"""SELECT p.*, i.name AS item_name, i.team_item AS team_item,
                            m.name AS member_name, m.status AS member_status, m.sub_unit_id AS member_sub_unit_id,
                            t.name AS team_name, t.sub_unit_id AS team_sub_unit_id,
                            t.captain_member_id AS captain_member_id
                     {_ENTRY_FROM}"""


def entry_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The rows of the given entries keyed by id: every entry column plus kind (个人/团体), item_name ('' for
    the event as a whole), team_item, member_name, member_status, sub_unit_id and sub_unit_path (the member's,
    or the team's sub-unit), team_name, captain_member_id, members (a team's live members: member_id, name,
    sub_unit_path, member_status, captain — the captain first, then by name; [] for an individual entry) and
    person_times (1, or the team's member count)."""
    paths = sub_unit_paths(db)
    rows = rows_by_id(db, _ENTRY_ROW_SQL, "p.id", ids)
    members = _team_members(db, sorted({r["team_id"] for r in rows.values() if r["team_id"]}), paths)
    for row in rows.values():
        team = row["team_id"] is not None
        row["kind"] = "团体" if team else "个人"
        row["item_name"] = row["item_name"] or ""
        row["team_item"] = bool(row["team_item"])
        row["team_name"] = row["team_name"] or ""
        member_unit, team_unit = row.pop("member_sub_unit_id"), row.pop("team_sub_unit_id")
        row["sub_unit_id"] = team_unit if team else member_unit
        row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
        row["members"] = members[row["team_id"]] if team else []
        row["person_times"] = len(row["members"]) if team else 1
    return rows


def iter_participants(db: sqlite_utils.Database, event_id: int, *, item_id=_ALL, order: str = "item",
                      batch: int = ID_CHUNK) -> Iterator[dict]:
    """The event's entries (shaped like :func:`entry_rows`) in order, read ``batch`` at a time."""
    ids = participant_ids(db, event_id, item_id=item_id, order=order)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        rows = entry_rows(db, chunk)
        for entry_id in chunk:
            yield rows[entry_id]


def entered_member_ids(db: sqlite_utils.Database, event_id: int, item_id: int | None) -> set[int]:
    """The members with a live individual entry in the event and item (None: the event as a whole)."""
    return {r[0] for r in db.execute(
        "SELECT member_id FROM event_participants WHERE event_id = ? AND item_id IS ? AND member_id IS NOT NULL "
        "AND voided_at IS NULL", [event_id, item_id])}


def team_entered_items(db: sqlite_utils.Database, event_id: int) -> dict[int, str]:
    """{team id: "拔河、接力"} — what each team of the event is entered in ("整个活动" for no item)."""
    found: dict[int, list[str]] = {}
    for team_id, item_name in db.execute(
            """SELECT p.team_id, i.name FROM event_participants p LEFT JOIN event_items i ON i.id = p.item_id
               WHERE p.event_id = ? AND p.team_id IS NOT NULL AND p.voided_at IS NULL
               ORDER BY coalesce(i.sort_order, 0), p.id""", [event_id]):
        found.setdefault(team_id, []).append(item_name or "整个活动")
    return {team_id: "、".join(names) for team_id, names in found.items()}


def participant_rows(db: sqlite_utils.Database, event_id: int, *, item_id=_ALL, order: str = "item") -> list[dict]:
    """Every live entry of the event (shaped like :func:`entry_rows`): by item, individual entries before
    teams, then by name. A team entry carries its members in ``members``. For very large events prefer
    :func:`iter_participants` or :func:`participant_ids` with :func:`entry_rows`."""
    return list(iter_participants(db, event_id, item_id=item_id, order=order))


def iter_participant_persons(db: sqlite_utils.Database, event_id: int, *, item_id=_ALL,
                             order: str = "item") -> Iterator[dict]:
    """One row per person per entry (a team entry gives one row per member), for a 签到表 or a participant
    list: entry_id, item_name, kind, team_name, member_id, member_name, sub_unit_path, captain (bool)."""
    for entry in iter_participants(db, event_id, item_id=item_id, order=order):
        common = {"entry_id": entry["id"], "item_name": entry["item_name"], "kind": entry["kind"],
                  "team_name": entry["team_name"], "source": entry["source"]}
        if entry["team_id"] is None:
            yield {**common, "member_id": entry["member_id"], "member_name": entry["member_name"],
                   "sub_unit_path": entry["sub_unit_path"], "captain": False}
        else:
            for member in entry["members"]:
                yield {**common, "member_id": member["member_id"], "member_name": member["name"],
                       "sub_unit_path": member["sub_unit_path"], "captain": member["captain"]}


def award_rows(db: sqlite_utils.Database, event_id: int) -> list[dict]:
    """The event's live results for a 获奖名单: every result column plus item_name ('' for the event as a
    whole), item_sort, kind (个人/团体/单位), name (the member, the team, or the awardee), member_id,
    team_id, team_members ("张三、李四"), sub_unit_path (部门: the member's, or the team's sub-unit) and
    awarded (bool: has a grade). Ordered by item, then stage (in the 比赛阶段 list's order), then rank,
    then grade (in the 获奖等级 list's order), then name; results to awardees come last."""
    paths = sub_unit_paths(db)
    rows = list(db.query(
        """SELECT r.*, i.name AS item_name, i.sort_order AS item_sort, p.member_id, p.team_id,
                  m.name AS member_name, m.sub_unit_id AS member_sub_unit_id, m.name_sort AS name_sort,
                  t.name AS team_name, t.sub_unit_id AS team_sub_unit_id,
                  (SELECT min(sort_order) FROM value_lists WHERE list_key = 'event.stage' AND value = r.stage)
                      AS stage_order,
                  (SELECT min(sort_order) FROM value_lists WHERE list_key = 'event.grade' AND value = r.grade)
                      AS grade_order
           FROM event_results r
           LEFT JOIN event_participants p ON p.id = r.participant_id
           LEFT JOIN event_items i ON i.id = p.item_id
           LEFT JOIN members m ON m.id = p.member_id
           LEFT JOIN event_teams t ON t.id = p.team_id
           WHERE r.event_id = ? AND r.voided_at IS NULL
             AND (r.participant_id IS NULL OR (p.voided_at IS NULL AND (p.member_id IS NULL OR m.voided_at IS NULL)))
           ORDER BY r.participant_id IS NULL, coalesce(i.sort_order, 0), i.id,
                    r.stage <> '' , coalesce(stage_order, 999999), r.stage,
                    r.rank IS NULL, r.rank, r.grade = '', coalesce(grade_order, 999999), r.grade,
                    coalesce(m.name_sort, t.name, r.awardee), r.id""", [event_id]))
    members = _team_members(db, sorted({r["team_id"] for r in rows if r["team_id"]}), paths)
    for row in rows:
        if row["team_id"] is not None:
            row["kind"], row["name"] = "团体", row["team_name"]
            row["sub_unit_path"] = paths.get(row["team_sub_unit_id"], "")
            row["team_members"] = "、".join(m["name"] for m in members[row["team_id"]])
        elif row["member_id"] is not None:
            row["kind"], row["name"] = "个人", row["member_name"]
            row["sub_unit_path"] = paths.get(row["member_sub_unit_id"], "")
            row["team_members"] = ""
        else:
            row["kind"], row["name"], row["sub_unit_path"], row["team_members"] = "单位", row["awardee"], "", ""
        row["item_name"] = row["item_name"] or ""
        row["promoted"] = bool(row["promoted"])
        row["awarded"] = bool(row["grade"])
        for key in ("member_name", "member_sub_unit_id", "team_sub_unit_id", "name_sort", "stage_order",
                    "grade_order"):
            row.pop(key, None)
    return rows


# --- one member -------------------------------------------------------------------------------------
# A member's live entries: their own, and their teams' (the member still on the team).
_MEMBER_ENTRIES = """SELECT p.id AS entry_id, NULL AS via_team FROM event_participants p
                     WHERE p.member_id = :member AND p.voided_at IS NULL
                     UNION ALL
                     SELECT p.id, 1 FROM event_team_members tm
                     JOIN event_teams t ON t.id = tm.team_id AND t.voided_at IS NULL
                     JOIN event_participants p ON p.team_id = tm.team_id AND p.voided_at IS NULL
                     WHERE tm.member_id = :member AND tm.voided_at IS NULL"""
_EVENT_COLUMNS = """e.name AS event_name, e.edition, e.kind AS event_kind, e.status AS event_status,
                    e.start_date, e.end_date, e.organiser_kind, e.organiser, e.holiday"""


def _title(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["event_title"] = event_title(row["event_name"], row["edition"])
        row["item_name"] = row["item_name"] or ""
        row["team_name"] = row["team_name"] or ""
        row["via_team"] = bool(row["via_team"])
    return rows


def member_entries(db: sqlite_utils.Database, member_id: int) -> list[dict]:
    """A member's live entries in live events, their team entries included, newest first: every entry column
    plus event_name, event_title, edition, event_kind, event_status, start_date, end_date, organiser_kind,
    organiser, holiday, item_name, team_name and via_team (bool)."""
    return _title(list(db.query(
        f"""SELECT p.*, {_EVENT_COLUMNS}, i.name AS item_name, t.name AS team_name, x.via_team
            FROM ({_MEMBER_ENTRIES}) x JOIN event_participants p ON p.id = x.entry_id
            JOIN events e ON e.id = p.event_id AND e.voided_at IS NULL
            LEFT JOIN event_items i ON i.id = p.item_id
            LEFT JOIN event_teams t ON t.id = p.team_id
            ORDER BY e.start_date DESC, e.id DESC, coalesce(i.sort_order, 0), p.id""", {"member": member_id})))


def member_results(db: sqlite_utils.Database, member_id: int) -> list[dict]:
    """The live results of a member's live entries (their teams' included), newest first: every result column
    plus the event columns of :func:`member_entries`, item_name, team_name and via_team (bool)."""
    return _title(list(db.query(
        f"""SELECT r.*, {_EVENT_COLUMNS}, i.name AS item_name, t.name AS team_name, x.via_team
            FROM ({_MEMBER_ENTRIES}) x JOIN event_participants p ON p.id = x.entry_id
            JOIN event_results r ON r.participant_id = p.id AND r.voided_at IS NULL
            JOIN events e ON e.id = p.event_id AND e.voided_at IS NULL
            LEFT JOIN event_items i ON i.id = p.item_id
            LEFT JOIN event_teams t ON t.id = p.team_id
            ORDER BY coalesce(e.end_date, e.start_date) DESC, e.id DESC,
                     (SELECT min(sort_order) FROM value_lists WHERE list_key = 'event.stage' AND value = r.stage) DESC,
                     r.id DESC""", {"member": member_id})))


def iter_award_rows(db: sqlite_utils.Database, f: EventFilter) -> Iterator[dict]:
    """The award rows (:func:`award_rows`) of every held event matching ``f``, by start date, each with
    event_title and start_date added (a period's 获奖名单 across events)."""
    held = EventFilter(**{**f.__dict__, "status": HELD}) if f.status is None else f
    for event in iter_events(db, held, order="start_date"):
        for row in award_rows(db, event["id"]):
            row["event_title"], row["start_date"] = event["title"], event["start_date"]
            yield row
