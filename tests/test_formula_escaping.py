"""No export runs what a user typed as a formula (OWASP "CSV injection"): text such as =HYPERLINK(…), +1+1,
-2+3 or @SUM(1) typed into names, departments, titles and notes goes through every .xlsx the app writes — the
ten built-in forms, every page's export, the sign-off sheet, the change log, the import templates and the form
filler for every record source — and is read back with openpyxl as text (data type "s", the quotePrefix flag
Excel sets for a leading apostrophe), shown exactly as typed. The only formulas are those of the upstream form
itself (a 合计 row's =SUM), which the filler keeps and stretches."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from gonghui_desk.db import open_database
from gonghui_desk.exporting.xlsx import FORMULA_TRIGGERS
from gonghui_desk.idcard import mask_phone
from tests.conftest import TODAY
from tests.test_form_fill_forms import simple_form

LINK = '=HYPERLINK("http://x","点我")'
NASTY = {
    "member": LINK, "unit": "+1+1", "notes": "@SUM(1)", "position": "-2+3", "union": "=工会名称",
    "phone": "+8613800138000", "visit_notes": "=1+1", "visitors": "-张三", "goods": "@慰问品",
    "campaign": "=春节送温暖", "file_notes": "=cmd|' /C calc'!A0", "bank": "+银行", "family": "=家属",
    "aid_notes": "-1+2", "school": "=某某大学", "event": "=趣味运动会", "venue": "+操场", "item": "-拔河",
    "team": "+一队", "honour": "=先进个人", "proposal": "=关于食堂的提案", "reason": "+理由", "tab": "\t=1+1",
}
NASTY["phone_masked"] = mask_phone(NASTY["phone"])  # +86*******8000: still a text starting with "+"


@pytest.fixture(scope="module")
def nasty_file(tmp_path_factory, school_demo_file):
    """The demo union with formula-like text typed everywhere a user types (written straight into the file)."""
    path = tmp_path_factory.mktemp("nasty") / "demo.sqlite3"
    shutil.copy(school_demo_file, path)
    db = open_database(path)
    sql = db.conn.execute
    head = sql("SELECT member_id FROM hardship_files WHERE voided_at IS NULL AND status = '在档' "
               "ORDER BY id").fetchone()[0]
    sql("UPDATE members SET name = ? WHERE id = ?", (NASTY["member"], head))
    sql("UPDATE members SET notes = ?, position = ?", (NASTY["notes"], NASTY["position"]))
    sql("UPDATE members SET phone = ? WHERE id = (SELECT min(id) FROM members WHERE status = '在册' AND id <> ?)",
        (NASTY["phone"], head))
    sql("UPDATE members SET professional_title = ? WHERE id <> ? AND id % 7 = 0", (NASTY["tab"], head))
    sql("UPDATE sub_units SET name = ? WHERE id = (SELECT min(id) FROM sub_units)", (NASTY["unit"],))
    sql("UPDATE union_profile SET name = ?", (NASTY["union"],))
    sql("UPDATE visits SET notes = ?, visitors = ?, goods_desc = CASE WHEN goods_desc <> '' THEN ? ELSE '' END",
        (NASTY["visit_notes"], NASTY["visitors"], NASTY["goods"]))
    sql("UPDATE campaigns SET name = ? || name", (NASTY["campaign"],))
    sql("UPDATE hardship_files SET notes = ?, bank_name = ?", (NASTY["file_notes"], NASTY["bank"]))
    sql("UPDATE hardship_family_members SET name = ?", (NASTY["family"],))
    sql("UPDATE aid_payments SET notes = ?, school = CASE WHEN school <> '' THEN ? ELSE '' END",
        (NASTY["aid_notes"], NASTY["school"]))
    sql("UPDATE events SET name = ? || name, venue = ?", (NASTY["event"], NASTY["venue"]))
    sql("UPDATE event_items SET name = ? || name", (NASTY["item"],))
    sql("UPDATE event_teams SET name = ? || name", (NASTY["team"],))
    sql("UPDATE honours SET title = ? || title", (NASTY["honour"],))
    sql("UPDATE proposals SET title = ? || title, reason = ?", (NASTY["proposal"], NASTY["reason"]))
    db.conn.close()
    return path


@pytest.fixture
def db(nasty_file, tmp_path):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(nasty_file, path)
    database = open_database(path)
    yield database
    database.conn.close()


def check_cells(path: Path, allowed_formulas: set[str] = frozenset()) -> list[str]:
    """Every cell of ``path``: no formula but ``allowed_formulas``; text starting with = + - @ tab or CR is a
    string cell flagged quotePrefix. Returns the formula-like texts found."""
    found = []
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert cell.value in allowed_formulas, (path.name, cell.coordinate, cell.value)
                    continue
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    assert cell.data_type == "s" and cell.quotePrefix, (path.name, cell.coordinate, cell.value)
                    found.append(cell.value)
    return found


def typed(found: list[str], *keys: str) -> None:
    """Each of ``keys``' text appears as typed, at the start of a cell."""
    for key in keys:
        assert any(text == NASTY[key] or text.startswith(NASTY[key]) for text in found), (key, found[:20])


def test_openpyxl_would_make_such_text_a_formula(tmp_path):
    """The danger: a str starting with "=" given to openpyxl is written as a formula."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = LINK
    wb.save(tmp_path / "raw.xlsx")
    assert openpyxl.load_workbook(tmp_path / "raw.xlsx").active["A1"].data_type == "f"


def test_every_builtin_form(db, tmp_path):
    from gonghui_desk.exporting.builtin_forms import BUILTIN_FORMS

    seen = {}
    for form in BUILTIN_FORMS:
        for full in (False, True):
            path = form.write(db, tmp_path / f"{form.name}-{full}.xlsx", today=TODAY, period_start="2025-01-01",
                              period_end="2026-12-31", prepared_by="=制表人", full_numbers=full)
            seen[form.name, full] = check_cells(path)
            assert "制表人：=制表人  审核人：____  日期：____" in {str(c.value) for c in openpyxl.load_workbook(
                path).active["A"]}
    assert len(BUILTIN_FORMS) == 10
    typed(seen["roster", False], "member", "unit", "notes", "position", "phone_masked", "tab")
    typed(seen["roster", True], "phone")
    typed(seen["member-info", False], "member", "notes", "position")
    typed(seen["hardship-roster", False], "member", "file_notes")
    typed(seen["golden-autumn", False], "school")
    typed(seen["proposals", False], "proposal")
    typed(seen["awards", False], "item")
    typed(seen["honours", False], "honour")


def test_every_page_export(db, tmp_path):
    from gonghui_desk.care.ledger import LedgerFilter
    from gonghui_desk.congress.register import ProposalFilter
    from gonghui_desk.events.register import EventFilter
    from gonghui_desk.exporting.aid_ledger import export_aid_ledger
    from gonghui_desk.exporting.events import export_awards, export_events, export_participants, export_signin_sheet
    from gonghui_desk.exporting.hardship_register import export_hardship_register
    from gonghui_desk.exporting.honours import export_honours
    from gonghui_desk.exporting.member_roster import export_roster
    from gonghui_desk.exporting.proposals import export_proposal_summary
    from gonghui_desk.exporting.signoff_sheet import export_signoff_sheet
    from gonghui_desk.exporting.visit_ledger import export_visit_ledger
    from gonghui_desk.hardship.aid_ledger import AidFilter
    from gonghui_desk.hardship.register import FileFilter
    from gonghui_desk.honours.register import HonourFilter

    def out(name):
        return tmp_path / f"{name}.xlsx"

    export_roster(db, out("roster"), today=TODAY)
    typed(check_cells(out("roster")), "member", "unit", "notes", "position", "phone_masked")
    export_visit_ledger(db, out("visits"), LedgerFilter(), today=TODAY)
    typed(check_cells(out("visits")), "visit_notes", "visitors", "goods")
    export_aid_ledger(db, out("aid"), AidFilter(), today=TODAY)
    typed(check_cells(out("aid")), "aid_notes", "school")
    export_hardship_register(db, out("hardship"), FileFilter(), today=TODAY, mask_personal=False)
    typed(check_cells(out("hardship")), "member", "file_notes")
    export_honours(db, out("honours"), HonourFilter(), today=TODAY)
    typed(check_cells(out("honours")), "honour")
    export_events(db, out("events"), EventFilter(), today=TODAY)
    typed(check_cells(out("events")), "event", "venue")
    event = db.execute("SELECT e.id FROM events e WHERE e.voided_at IS NULL AND EXISTS (SELECT 1 FROM event_teams t "
                       "WHERE t.event_id = e.id) ORDER BY e.id").fetchone()[0]
    export_participants(db, out("participants"), event, today=TODAY)
    typed(check_cells(out("participants")), "item", "team")
    export_awards(db, out("awards"), event, today=TODAY)
    check_cells(out("awards"))
    export_signin_sheet(db, out("signin"), event, today=TODAY)
    typed(check_cells(out("signin")), "item")
    session = db.execute("SELECT session_id FROM proposals WHERE voided_at IS NULL ORDER BY id").fetchone()[0]
    export_proposal_summary(db, out("proposals"), ProposalFilter(session_id=session), today=TODAY)
    typed(check_cells(out("proposals")), "proposal")
    campaign = db.execute("SELECT id FROM campaigns WHERE voided_at IS NULL ORDER BY id").fetchone()[0]
    export_signoff_sheet(db, campaign, out("signoff"), today=TODAY)
    typed(check_cells(out("signoff")), "campaign")  # the title starts with the campaign's name


def test_the_change_log_export(db, tmp_path):
    change_log = pytest.importorskip("gonghui_desk.exporting.change_log")
    change_log.export_change_log(db, tmp_path / "log.xlsx", today=TODAY)
    found = check_cells(tmp_path / "log.xlsx")
    assert any(text.startswith(("=", "+", "-", "@")) for text in found)
    member = db.execute("SELECT id FROM members WHERE name = ?", [NASTY["member"]]).fetchone()[0]
    change_log.export_record_history(db, tmp_path / "one.xlsx", "members", member, today=TODAY)
    check_cells(tmp_path / "one.xlsx")


def test_the_templates(db, tmp_path):
    from gonghui_desk.exporting.templates import write_member_template
    from gonghui_desk.importing.event_import import write_events_template
    from gonghui_desk.importing.hardship_import import write_hardship_template
    from gonghui_desk.importing.proposal_import import write_proposals_template

    for name, write in (("members", lambda p: write_member_template(p)), ("events", write_events_template),
                        ("hardship", write_hardship_template), ("proposals", write_proposals_template)):
        path = tmp_path / f"{name}.xlsx"
        write(path) if name == "members" else write(path, db)
        assert check_cells(path) == []


def source_params(db) -> dict[str, dict]:
    campaign = db.execute("SELECT id FROM campaigns WHERE voided_at IS NULL ORDER BY id").fetchone()[0]
    event = db.execute("SELECT e.id FROM events e WHERE e.voided_at IS NULL AND EXISTS (SELECT 1 FROM event_results r "
                       "WHERE r.event_id = e.id AND r.voided_at IS NULL) ORDER BY e.id").fetchone()[0]
    return {"roster": {"status": "全部"}, "campaign": {"campaign": campaign}, "hardship": {"status": "全部"},
            "aid": {"date_from": "2020-01-01", "date_to": "2026-12-31"},
            "visits": {"date_from": "2020-01-01", "date_to": "2026-12-31"}, "honours": {},
            "event_awards": {"event": event}, "event_participants": {"event": event}, "proposals": {},
            "delegates": {}}


@pytest.mark.parametrize("full", [False, True])
def test_the_form_filler_for_every_source(db, tmp_path, full):
    """A form with every field of the source as a column and a 合计 row with =SUM (the form's own formula)."""
    from gonghui_desk.form_fill import fill_form, get_source, inspect_form, propose_mapping, sources

    params = source_params(db)
    assert set(params) == set(sources())
    everything = []
    for key, source in sources().items():
        labels = list(dict.fromkeys(field.label for field in source.fields))
        form = tmp_path / f"{key}.xlsx"
        simple_form(form, ["序号", *labels], footer="合计")
        wb = openpyxl.load_workbook(form)
        total = "=SUM(A4:A4)"
        wb.active.cell(6, 2, total)
        wb.save(form)
        layout = inspect_form(form)
        mapping = propose_mapping(layout, get_source(key))
        assert len(mapping.columns) >= len(labels) // 2, key
        result = fill_form(db, layout, mapping, key, params[key], tmp_path / f"{key}-out.xlsx", today=TODAY,
                           full_numbers=full)
        assert result.rows_written > 0, key
        moved = f"=SUM(A4:A{3 + result.rows_written})"
        found = check_cells(result.path, {total, moved})
        everything += found
        formulas = [c.value for row in openpyxl.load_workbook(result.path).active.iter_rows() for c in row
                    if c.data_type == "f"]
        assert formulas == [moved]  # the form's own formula, kept and stretched to the rows written
    typed(everything, "member", "unit", "notes", "position", "phone" if full else "phone_masked", "campaign",
          "file_notes", "bank", "aid_notes", "visit_notes", "visitors", "honour", "item", "proposal", "reason", "tab")
