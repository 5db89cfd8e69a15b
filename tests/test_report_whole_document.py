"""A whole report, end to end: a demo database, ``gonghui-desk report`` writes the annual summary to .docx, and
every number in the file is checked — the text is the builder's document word for word, every figure in it is
a marked figure written as its stat says, no other digits appear apart from dates, every record behind a
figure exists and is not voided, and the main figures agree with queries written here, independently of the
report code. The appendix tables' 合计 rows add up, and agree with the same queries."""

from __future__ import annotations

import re

import pytest
from docx import Document as read_docx

from gonghui_desk import modules
from gonghui_desk.cli import EXIT_OK, main
from gonghui_desk.db import open_database
from gonghui_desk.demo import generate_demo
from gonghui_desk.documents import Paragraph, Table, number_headings
from gonghui_desk.documents.model import Heading
from gonghui_desk.reports.builder import build_report_with_stats
from gonghui_desk.reports.model import ReportOptions, ReportRequest
from gonghui_desk.reports.periods import year_period
from gonghui_desk.reports.text import money_text, percent_phrase, stat_text

from conftest import TODAY

YEAR = ("2026-01-01", "2026-12-31")
ROLL_DAY = TODAY.isoformat()  # the year is not over: the roll is counted today


@pytest.fixture(scope="module", params=["company", "school"])
def written(request, tmp_path_factory):
    modules.load()
    folder = tmp_path_factory.mktemp("whole")
    path = folder / f"{request.param}.sqlite3"
    db = open_database(path)
    generate_demo(db, kind=request.param, members=400 if request.param == "company" else 150, seed=5, today=TODAY)
    out = folder / "总结.docx"
    assert main(["report", "--db", str(path), "--kind", "annual", "--from", YEAR[0], "--to", YEAR[1], "--appendix",
                 "--today", TODAY.isoformat(), "-o", str(out)]) == EXIT_OK
    doc, stats = build_report_with_stats(
        db, ReportRequest("annual", year_period(2026), options=ReportOptions(appendix=True)), today=TODAY)
    yield db, read_docx(str(out)), doc, stats
    db.conn.close()


def one(db, sql: str, *params) -> int:
    return db.execute(sql, params).fetchone()[0] or 0


def test_the_file_says_what_the_document_says(written):
    _db, word, doc, _stats = written
    texts = [p.text for p in word.paragraphs if p.text.strip()]
    numbers = number_headings(doc)
    expected = [doc.title] + [(n + b.text) for b, n in zip(doc.blocks, numbers) if isinstance(b, (Heading, Paragraph))]
    assert texts[:len(expected)] == expected
    assert texts[len(expected):] == [doc.signer, doc.date_text]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(word.tables) == len(tables) > 5
    for table, written_table in zip(tables, word.tables):
        cells = [[c.text for c in row.cells] for row in written_table.rows]
        assert cells == [list(table.header), *map(list, table.rows)]


def _figure_agrees(text: str, stat) -> bool:
    if not re.search(r"\d", text):
        return True  # a marked title (“优秀工会积极分子”) links to its records and states no number
    if text == stat_text(stat):
        return True
    if stat.is_rate and text == percent_phrase(stat.value, stat.base):
        return True  # (or, below, the count the rate is of: "参加活动的在册女会员75人")
    if stat.is_money:  # in 万元, or in 元 beside amounts that are (money_texts writes a list in one unit)
        yuan, fen = divmod(stat.value, 100)
        return text in (money_text(stat.value), f"{yuan}元" if not fen else f"{yuan}.{fen:02d}".rstrip("0") + "元")
    return re.fullmatch(rf"{stat.value}\D{{1,2}}", text) is not None  # "17人" for a stat counted in 件, "3名"


def test_every_number_is_a_figure_written_as_its_stat_says(written):
    _db, _word, doc, stats = written
    checked = 0
    for block in doc.blocks:
        if not isinstance(block, Paragraph):
            continue
        covered = set()
        for mark in block.marks:
            stat = stats[mark.key]
            text = block.text[mark.start:mark.end]
            assert _figure_agrees(text, stat), (mark.key, text, stat)
            covered.update(range(mark.start, mark.end))
            checked += 1
        # apart from the figures, digits only in dates, years, numbered sessions and names in quotes
        for allowed in re.finditer(r"\d{4}年(\d{1,2}月(\d{1,2}日)?)?|\d{1,2}月(\d{1,2}日)?|第\d+[届次]|“[^”]*”|"
                                   r"\d{4}—\d{4}学年", block.text):
            covered.update(range(allowed.start(), allowed.end()))
        stray = [c for i, c in enumerate(block.text) if c.isdigit() and i not in covered]
        assert not stray, block.text
    assert checked > 60


def test_the_records_behind_every_figure_exist_and_count(written):
    db, _word, doc, stats = written
    marked = {m.key for b in doc.blocks if isinstance(b, Paragraph) for m in b.marks}
    for key in marked:
        stat = stats[key]
        if not stat.ids:
            continue
        ids = set(stat.ids)
        columns = {r[1] for r in db.execute(f"PRAGMA table_info({stat.table})")}
        live = "voided_at IS NULL" if "voided_at" in columns else "1"
        found = one(db, f"SELECT count(*) FROM {stat.table} WHERE {live} AND id IN "
                        f"(SELECT value FROM json_each(?))", str(sorted(ids)).replace(" ", ""))
        assert found == len(ids), (key, stat.table)
        if stat.table == "members" and stat.unit in ("人", "名"):  # a list of people: one each
            assert stat.value == len(ids), key
        if stat.table in ("visits", "proposals", "honours") and stat.unit in ("人次", "件", "项"):  # one a record
            assert stat.value == len(ids), key


def test_the_main_figures_against_independent_queries(written):
    db, _word, _doc, stats = written
    visits = "FROM visits WHERE voided_at IS NULL AND visit_date BETWEEN ? AND ?"
    assert stats["care.visits.times"].value == one(db, f"SELECT count(*) {visits}", *YEAR)
    assert stats["care.visits.money"].value == one(db, f"SELECT sum(cash_fen + goods_value_fen) {visits}", *YEAR)
    assert stats["care.visits.persons"].value == one(
        db, f"SELECT count(DISTINCT member_id || '|' || recipient_relation || '|' || "
            f"CASE WHEN recipient_relation = '本人' THEN '' ELSE recipient_name END) {visits}", *YEAR)
    paid = "FROM aid_payments WHERE voided_at IS NULL AND stage = '发放' AND paid_on BETWEEN ? AND ?"
    assert stats["care.aid.times"].value == one(db, f"SELECT count(*) {paid}", *YEAR)
    assert stats["care.aid.money"].value == one(db, f"SELECT sum(cash_fen + goods_value_fen) {paid}", *YEAR)
    roll = "FROM members WHERE voided_at IS NULL AND status IN ('在册', '退休')"
    assert stats["self.members_end"].value == one(db, f"SELECT count(*) {roll}")
    assert stats["self.working_end"].value == one(db, "SELECT count(*) FROM members WHERE voided_at IS NULL "
                                                      "AND status = '在册'")
    assert stats["self.women_end"].value == one(db, f"SELECT count(*) {roll} AND sex = '女'")
    assert stats["self.joined"].value == one(db, "SELECT count(*) FROM members WHERE voided_at IS NULL "
                                                 "AND join_date BETWEEN ? AND ?", YEAR[0], ROLL_DAY)
    held = one(db, "SELECT count(*) FROM events WHERE voided_at IS NULL AND status = '已举办' "
                   "AND start_date BETWEEN ? AND ?", *YEAR)
    counted = sum(stats[k].value for k in ("culture.events", "competition.events") if k in stats)
    assert counted == held
    proposals = ("FROM proposals p JOIN congress_sessions s ON s.id = p.session_id WHERE p.voided_at IS NULL "
                 "AND s.voided_at IS NULL AND s.held_on BETWEEN ? AND ?")
    received = one(db, f"SELECT count(*) {proposals}", *YEAR)
    if received:
        assert stats["democracy.proposals.received"].value == received
        registered = one(db, f"SELECT count(*) {proposals} AND p.review = '立案'", *YEAR)
        assert stats["democracy.proposals.registered"].value == registered
        rate = stats["democracy.proposals.filing_rate"]
        assert (rate.value, rate.base) == (registered, received)


def _number(cell: str) -> float | None:
    return float(cell) if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell) else None


def test_the_appendix_totals_add_up_and_agree_with_the_ledgers(written):
    db, _word, doc, _stats = written
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    totalled = [t for t in tables if t.rows and t.rows[-1][0] == "合计"]
    assert totalled
    for table in totalled:
        for column in range(1, len(table.header)):
            values = [_number(row[column]) for row in table.rows[:-1]]
            total = _number(table.rows[-1][column])
            header = table.header[column]
            if total is None or None in values or "率" in header or "人数" in header or "户数" in header:
                continue  # rates and distinct people or households do not add up across rows
            assert abs(sum(values) - total) < 0.005, (table.header, column)
    months = next(t for t in tables if t.header[0] == "慰问月份")
    assert int(months.rows[-1][1]) == one(db, "SELECT count(*) FROM visits WHERE voided_at IS NULL "
                                              "AND visit_date BETWEEN ? AND ?", *YEAR)
