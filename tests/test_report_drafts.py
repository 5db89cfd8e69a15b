"""Saved report drafts (schema v6 report_drafts; gonghui_desk.reports.drafts): JSON forms that keep the
figure marks, save / update / load / list / void, the stats saved with a draft, and the change log."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from gonghui_desk.db import open_database
from gonghui_desk.db.migrations import LATEST_VERSION, MIGRATIONS
from gonghui_desk.documents import Document, Figure, Heading, Mark, Paragraph, Table
from gonghui_desk.errors import UserError
from gonghui_desk.reports.builder import build_report_with_stats
from gonghui_desk.reports.drafts import (document_from_json, document_to_json, draft_stats, list_drafts, load_draft,
                                         request_from_json, request_to_json, save_draft, stats_from_json,
                                         stats_to_json, update_draft, void_draft)
from gonghui_desk.reports.model import ReportOptions, ReportRequest, Stat
from gonghui_desk.reports.periods import half_period, year_period
from tests.test_report_builder import CARE, SELF, TODAY, make_hand
from gonghui_desk.reports.sections import isolated_sections

DOC = Document(
    title="测试中学工会2026年度工作总结", subtitle_lines=["——在第五届教代会第三次会议上"], salutation="各位代表：",
    blocks=[Paragraph("2026年，全年走访慰问会员23人次，发放慰问金1.15万元。",
                      (Mark(11, 15, "care.visits"), Mark(21, 27, "care.cash"))),
            Heading(1, "关心关爱教职工"), Heading(2, "走访慰问"), Paragraph("没有标记的一段，含\"引号\"和\\反斜杠。"),
            Table(("项目", "人次"), [("生病住院", "12"), ("退休", "11")]), Heading(4, "第四级")],
    signer="测试中学工会委员会", date_text="2026年11月22日",
    figures=[Figure("走访慰问会员", "23人次", "每条慰问记录1人次"), Figure("发放慰问金", "1.15万元", "")])
REQUEST = ReportRequest("annual", year_period(2026), ("politics", "care", "plans"),
                        ReportOptions(approximate=True, compare=True, names=False, appendix=True), "我的标题")


def test_the_migration_adds_report_drafts(db):
    assert [m.version for m in MIGRATIONS if m.apply.__name__ == "_v6_report_drafts"] == [6]
    columns = [c.name for c in db["report_drafts"].columns]
    assert columns == ["id", "title", "kind", "date_from", "date_to", "request_json", "document_json", "stats_json",
                       "created_at", "updated_at", "voided_at", "void_reason"]
    assert "report_drafts" in [r[0] for r in db.execute("SELECT table_name FROM audited_tables")]


def file_at_version(path, version: int):
    """A database file as the app's version ``version`` wrote it (the migrations up to it, applied)."""
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:version]:
        conn.execute("BEGIN")
        migration.apply(conn)
        conn.execute(f"PRAGMA user_version = {migration.version}")
        conn.commit()
    conn.close()
    return path


def test_a_version_5_file_is_upgraded(tmp_path):
    db = open_database(file_at_version(tmp_path / "old.sqlite3", 5))
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION and "report_drafts" in db.table_names()
    db.conn.close()


def test_json_forms_keep_everything():
    assert document_from_json(document_to_json(DOC)) == DOC
    data = json.loads(document_to_json(DOC))
    assert data["blocks"][0]["marks"] == [[11, 15, "care.visits"], [21, 27, "care.cash"]]
    assert "marks" not in data["blocks"][3] and "测试中学" in document_to_json(DOC)  # readable, not \\u escapes
    assert request_from_json(request_to_json(REQUEST)) == REQUEST
    assert request_from_json(request_to_json(ReportRequest("half", half_period(2026, 1)))) == ReportRequest(
        "half", half_period(2026, 1))
    stats = {"a": Stat("a", "甲", 3, "人", "依据", "members", (1, 2, 3)), "b": Stat("b", "乙", 100, "元")}
    assert stats_from_json(stats_to_json(stats)) == stats
    with pytest.raises(TypeError):
        document_to_json(Document("x", blocks=["not a block"]))
    with pytest.raises(ValueError):
        document_from_json('{"blocks": [{"type": "chart"}]}')


def test_unknown_options_in_old_or_newer_drafts_are_ignored():
    data = json.loads(request_to_json(REQUEST))
    data["options"]["no_such_option"] = True
    del data["options"]["charts"]
    assert request_from_json(json.dumps(data)).options == REQUEST.options


def test_save_update_load_list_void(db):
    stats = {"care.visits": Stat("care.visits", "走访慰问会员", 23, "人次", "每条慰问记录1人次", "visits", (4, 5))}
    first = save_draft(db, REQUEST, DOC, stats=stats)
    second = save_draft(db, ReportRequest("half", half_period(2026, 1)), Document("半年总结"), "上半年草稿", stats={})
    assert load_draft(db, first) == (REQUEST, DOC)
    assert draft_stats(db, first) == stats and draft_stats(db, second) == {}
    rows = list_drafts(db)
    assert [r["id"] for r in rows] == [second, first]  # newest first
    assert rows[0]["title"] == "上半年草稿" and rows[1]["title"] == DOC.title
    assert rows[0]["kind_name"] == "半年工作总结" and rows[1]["period_label"] == "2026年"
    assert "document_json" not in rows[0]

    edited = Document(DOC.title, blocks=[*DOC.blocks[:3], Paragraph("改写的一段。")], figures=DOC.figures)
    update_draft(db, first, edited, "改过的标题")
    assert load_draft(db, first) == (REQUEST, edited)
    assert [r["id"] for r in list_drafts(db)] == [first, second]  # last saved first
    assert list_drafts(db)[0]["title"] == "改过的标题" and list_drafts(db)[0]["updated_at"]
    update_draft(db, first, edited, "  ")  # a blank title keeps the old one
    assert list_drafts(db)[0]["title"] == "改过的标题"
    rebuilt = ReportRequest("annual", year_period(2025))
    update_draft(db, first, DOC, request=rebuilt, stats={})
    assert load_draft(db, first)[0] == rebuilt and draft_stats(db, first) == {}
    assert list_drafts(db)[0]["date_from"] == "2025-01-01"

    with pytest.raises(UserError, match="原因"):
        void_draft(db, first, " ")
    void_draft(db, first, "重复")
    assert [r["id"] for r in list_drafts(db)] == [second]
    voided = [r for r in list_drafts(db, include_voided=True) if r["id"] == first][0]
    assert voided["voided_at"] and voided["void_reason"] == "重复"
    assert load_draft(db, first)[1] == DOC  # a voided draft can still be read
    with pytest.raises(UserError, match="已作废"):
        update_draft(db, first, DOC)
    with pytest.raises(UserError, match="已经作废"):
        void_draft(db, first, "又一次")
    with pytest.raises(UserError, match="不存在"):
        load_draft(db, 999)
    with pytest.raises(UserError):
        save_draft(db, ReportRequest("monthly", year_period(2026)), DOC)
    actions = [r[0] for r in db.execute(
        "SELECT action FROM change_log WHERE table_name = 'report_drafts' AND record_id = ? ORDER BY id", (first,))]
    assert actions == ["insert", "update", "update", "void"]  # the blank-title save changed nothing new


@pytest.fixture
def hand(profiled_db, store):
    return make_hand(profiled_db, store)


def test_a_built_report_round_trips_with_its_stats(hand):
    with isolated_sections(SELF, CARE):
        request = ReportRequest("annual", year_period(2026), options=ReportOptions(compare=True))
        doc, stats = build_report_with_stats(hand, request, today=TODAY)
        built = save_draft(hand, request, doc, stats=stats)
        counted = save_draft(hand, request, doc)  # without stats: counted now, the same
    assert load_draft(hand, built) == (request, doc)
    assert draft_stats(hand, built) == stats == draft_stats(hand, counted)
    marks = {m.key for b in doc.blocks if isinstance(b, Paragraph) for m in b.marks}
    assert marks <= set(draft_stats(hand, built))
    # the ledgers change afterwards: the draft keeps the figures its text was written from
    hand.execute("UPDATE visits SET voided_at = '2026-11-23' WHERE voided_at IS NULL")
    hand.conn.commit()
    assert draft_stats(hand, built)["fake_care.visits"].value == 3
    assert dt.date.today()  # (save times are the clock's)


def test_the_change_log_keeps_each_saved_text_but_not_the_figures(db):
    stats = {"care.visits": Stat("care.visits", "走访慰问会员", 3, "人次", "期内的慰问", "visits", tuple(range(1, 5001)))}
    draft = save_draft(db, REQUEST, DOC, stats=stats)
    changed = Document(DOC.title, blocks=[*DOC.blocks, Paragraph("补充的一段。")])
    update_draft(db, draft, changed)
    rows = db.execute("SELECT old_values, new_values FROM change_log WHERE table_name = 'report_drafts' "
                      "AND record_id = ? ORDER BY id", (draft,)).fetchall()
    assert len(rows) == 2
    inserted, updated = json.loads(rows[0][1]), (json.loads(rows[1][0]), json.loads(rows[1][1]))
    assert "stats_json" not in inserted and "stats_json" not in updated[1]  # 5,000 ids are not copied into the log
    assert document_from_json(updated[0]["document_json"]) == DOC  # the text before the save can be read back
    assert document_from_json(updated[1]["document_json"]) == changed
    assert draft_stats(db, draft)["care.visits"].ids[-1] == 5000  # the draft itself keeps its figures


def test_a_version_6_file_logs_drafts_without_their_figures(tmp_path):
    db = open_database(file_at_version(tmp_path / "v6.sqlite3", 6))
    save_draft(db, REQUEST, DOC, stats={})
    logged = json.loads(db.execute("SELECT new_values FROM change_log WHERE table_name = 'report_drafts'").fetchone()[0])
    assert "document_json" in logged and "stats_json" not in logged
    db.conn.close()
