"""ID, phone and bank numbers masked in every output unless the user asks for them in full for that one output,
and each such output recorded in the change log ('unmask'): the built-in forms, the form filler, the command
line, the member list and its printout and export, the hardship register, the 困难职工档案表 and the 上报报表 page.
On a copy of the demo school union."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog

from gonghui_desk.cli import main
from gonghui_desk.db import open_database
from gonghui_desk.exporting.builtin_forms import BUILTIN_FORMS, find_form
from gonghui_desk.exporting.member_roster import export_roster
from gonghui_desk.form_fill import fill_form, inspect_form, preview_rows, propose_mapping
from gonghui_desk.idcard import mask_id_number, mask_phone
from gonghui_desk.privacy import FULL_NUMBERS_TEXT, unmask_entries
from gonghui_desk.ui import printing
from gonghui_desk.ui.workers import Job
from tests.conftest import TODAY
from tests.test_form_fill_forms import simple_form

pytestmark = pytest.mark.usefixtures("no_job_left_running")
SENSITIVE = {"roster", "member-info", "new-members", "hardship-roster"}


@pytest.fixture
def demo_path(school_demo_file, tmp_path):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(school_demo_file, path)
    return path


@pytest.fixture
def demo(demo_path):
    db = open_database(demo_path)
    yield db
    db.conn.close()


def cell_texts(path) -> set[str]:
    book = openpyxl.load_workbook(path)
    return {str(cell.value) for ws in book.worksheets for row in ws.iter_rows() for cell in row
            if cell.value is not None}


def member_numbers(db) -> tuple[list[str], list[str]]:
    ids = [r[0] for r in db.execute("SELECT id_number FROM members WHERE id_number IS NOT NULL AND voided_at IS NULL")]
    phones = [r[0] for r in db.execute("SELECT phone FROM members WHERE phone <> '' AND voided_at IS NULL")]
    return ids, phones


# --- the built-in forms ------------------------------------------------------------------------------------
def test_the_forms_holding_numbers_are_known():
    assert {form.name for form in BUILTIN_FORMS if form.sensitive} == SENSITIVE
    assert find_form("hardship-roster").table == "hardship_files" and find_form("roster").table == "members"


@pytest.mark.parametrize("name", sorted(SENSITIVE))
def test_a_form_is_masked_unless_asked_and_then_logged(demo, tmp_path, name):
    form = find_form(name)
    ids, phones = member_numbers(demo)
    masked = form.write(demo, tmp_path / "masked.xlsx", today=TODAY, period_start="2025-01-01")
    texts = cell_texts(masked)
    assert not texts & set(ids) and not texts & set(phones)
    assert any("*" * 8 in text for text in texts) and any("隐去" in text for text in texts)
    assert unmask_entries(demo) == []

    full = form.write(demo, tmp_path / "full.xlsx", today=TODAY, period_start="2025-01-01", full_numbers=True)
    texts = cell_texts(full)
    shown = texts & set(ids)
    assert shown and not any("隐去" in text for text in texts)
    rows = openpyxl.load_workbook(full).active.max_row
    [entry] = unmask_entries(demo)
    assert entry["output"] == f"导出{form.title}" and entry["fields"] == ["身份证号", "手机号"]
    assert entry["file"] == str(full.resolve()) and entry["table_name"] == form.table
    assert 0 < entry["count"] < rows and entry["count"] >= len(shown)


def test_a_form_without_numbers_logs_nothing_even_when_asked(demo, tmp_path):
    for form in BUILTIN_FORMS:
        if not form.sensitive:
            form.write(demo, tmp_path / f"{form.name}.xlsx", today=TODAY, full_numbers=True)
    assert unmask_entries(demo) == []


def test_the_roster_export_is_masked_by_default(demo, tmp_path):
    export_roster(demo, tmp_path / "r.xlsx", today=TODAY)
    ids, phones = member_numbers(demo)
    texts = cell_texts(tmp_path / "r.xlsx")
    assert not texts & set(ids) and mask_id_number(ids[0]) in texts and mask_phone(phones[0]) in texts


# --- the form filler ---------------------------------------------------------------------------------------
def roster_form(path):
    simple_form(path, ["序号", "姓名", "身份证号", "手机号码", "部门"])


def test_a_filled_form_is_masked_unless_asked_and_then_logged(demo, tmp_path):
    form = tmp_path / "上级花名册.xlsx"
    roster_form(form)
    layout = inspect_form(form)
    mapping = propose_mapping(layout, "roster")
    ids, phones = member_numbers(demo)
    preview = preview_rows(demo, layout, mapping, "roster", None, limit=3, today=TODAY)
    assert all("*" in row[2] for row in preview)  # the wizard's preview is a list: masked too

    result = fill_form(demo, layout, mapping, "roster", None, tmp_path / "masked.xlsx", today=TODAY)
    texts = cell_texts(result.path)
    assert not texts & set(ids) and not texts & set(phones)
    assert result.numbers == ["身份证号", "手机号"] and not result.full_numbers
    assert result.messages[-1].startswith("身份证号、手机号只填写了前后几位（其余以*代替）")
    assert FULL_NUMBERS_TEXT in result.messages[-1] and "--full-numbers" in result.messages[-1]
    assert unmask_entries(demo) == []

    result = fill_form(demo, layout, mapping, "roster", None, tmp_path / "full.xlsx", today=TODAY,
                       full_numbers=True)
    assert cell_texts(result.path) & set(ids) and result.full_numbers
    assert result.messages[-1] == "身份证号、手机号按完整号码填写（已记入修改记录）"
    [entry] = unmask_entries(demo)
    assert entry == {**entry, "output": "填写上级表格：上级花名册.xlsx", "fields": ["身份证号", "手机号"],
                     "count": result.rows_written, "file": str(result.path.resolve()), "table_name": "members"}


def test_a_form_without_number_columns_logs_nothing(demo, tmp_path):
    form = tmp_path / "名单.xlsx"
    simple_form(form, ["序号", "姓名", "部门"])
    layout = inspect_form(form)
    result = fill_form(demo, layout, propose_mapping(layout, "roster"), "roster", None, tmp_path / "o.xlsx",
                       today=TODAY, full_numbers=True)
    assert result.rows_written and result.numbers == [] and not result.full_numbers
    assert unmask_entries(demo) == []


def test_bank_accounts_of_the_hardship_register_are_masked_in_a_filled_form(demo, tmp_path):
    form = tmp_path / "困难职工.xlsx"
    simple_form(form, ["序号", "户主姓名", "银行卡号"])
    layout = inspect_form(form)
    accounts = {r[0] for r in demo.execute("SELECT bank_account FROM hardship_files WHERE bank_account <> ''")}
    assert accounts
    result = fill_form(demo, layout, propose_mapping(layout, "hardship"), "hardship", {"status": "全部"},
                       tmp_path / "o.xlsx", today=TODAY)
    texts = cell_texts(result.path)
    assert not texts & accounts and any(text.startswith("**** ") for text in texts)
    fill_form(demo, layout, propose_mapping(layout, "hardship"), "hardship", {"status": "全部"},
              tmp_path / "full.xlsx", today=TODAY, full_numbers=True)
    assert cell_texts(tmp_path / "full.xlsx") & accounts
    assert [(e["fields"], e["table_name"]) for e in unmask_entries(demo)] == [(["银行卡号"], "hardship_files")]


# --- the command line --------------------------------------------------------------------------------------
def logged(path) -> list[dict]:
    db = open_database(path, create=False)
    try:
        return unmask_entries(db)
    finally:
        db.conn.close()


def test_the_command_line_masks_unless_full_numbers_is_given(demo_path, tmp_path, capsys):
    out = tmp_path / "花名册.xlsx"
    assert main(["export", "roster", "--db", str(demo_path), "-o", str(out), "--today", "2026-11-22"]) == 0
    assert "身份证号、手机号只显示前后几位（需要完整号码时加 --full-numbers）" in capsys.readouterr().out
    assert logged(demo_path) == []
    assert main(["export", "roster", "--db", str(demo_path), "-o", str(out), "--full-numbers"]) == 0
    assert "已记入修改记录" in capsys.readouterr().out
    assert [(e["output"], e["file"]) for e in logged(demo_path)] == [("导出会员花名册", str(out.resolve()))]

    members = tmp_path / "members.xlsx"
    assert main(["members", "export", "--db", str(demo_path), "-o", str(members)]) == 0
    assert "只显示前后几位" in capsys.readouterr().out and len(logged(demo_path)) == 1
    assert main(["members", "export", "--db", str(demo_path), "-o", str(members), "--full-numbers"]) == 0
    assert logged(demo_path)[-1]["output"] == "导出会员花名册（命令行）"

    form = tmp_path / "上级表.xlsx"
    roster_form(form)
    filled = tmp_path / "已填.xlsx"
    assert main(["fill", str(form), "--db", str(demo_path), "-o", str(filled)]) == 0
    assert "只填写了前后几位" in capsys.readouterr().out and len(logged(demo_path)) == 2
    assert main(["fill", str(form), "--db", str(demo_path), "-o", str(filled), "--full-numbers"]) == 0
    assert "按完整号码填写（已记入修改记录）" in capsys.readouterr().out
    assert logged(demo_path)[-1]["output"] == "填写上级表格：上级表.xlsx"


# --- the GUI -----------------------------------------------------------------------------------------------
@pytest.fixture
def context(school_demo_context):
    return school_demo_context


@pytest.fixture
def previews(monkeypatch):
    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, doc: shown.append((parent, doc)) or "preview")
    return shown


def wait_jobs(qtbot):
    qtbot.waitUntil(lambda: not Job._running, timeout=20000)


def test_the_member_list_logs_each_time_it_is_shown_in_full(context, qtbot, previews):
    from gonghui_desk.ui.members_view import MembersView

    view = MembersView(context)
    qtbot.addWidget(view)
    view.full_ids_check.setChecked(True)
    view.full_ids_check.setChecked(False)
    view.full_ids_check.setChecked(True)
    entries = unmask_entries(context.db)
    assert [(e["output"], e["count"], e["file"]) for e in entries] == [
        ("会员名册列表：显示完整证件号", view.model.rowCount(), None)] * 2
    view.start_print()  # the paper shows what the list shows: in full, logged
    wait_jobs(qtbot)
    assert previews and unmask_entries(context.db)[-1]["output"] == "打印会员名单"
    assert unmask_entries(context.db)[-1]["count"] == view.model.rowCount()
    view.full_ids_check.setChecked(False)
    view.start_print()
    wait_jobs(qtbot)
    assert len(previews) == 2 and len(unmask_entries(context.db)) == 3  # masked: nothing logged


def test_the_member_export_box_is_unticked_each_time(context, qtbot, tmp_path, monkeypatch):
    from gonghui_desk.ui.members_view import MembersView

    view = MembersView(context)
    qtbot.addWidget(view)
    target = tmp_path / "花名册.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dialog = view.start_export()
    assert dialog.full_numbers_check.text() == FULL_NUMBERS_TEXT and not dialog.full_numbers_check.isChecked()
    dialog.accept()
    wait_jobs(qtbot)
    assert target.exists() and unmask_entries(context.db) == []
    dialog = view.start_export()
    assert not dialog.full_numbers_check.isChecked()  # not remembered
    dialog.full_numbers_check.setChecked(True)
    dialog.accept()
    wait_jobs(qtbot)
    [entry] = unmask_entries(context.db)
    assert (entry["output"], entry["count"], entry["file"]) == ("导出会员花名册", view.model.rowCount(),
                                                                str(target.resolve()))


def test_the_hardship_register_export_and_file_print(context, qtbot, tmp_path, monkeypatch, previews):
    from gonghui_desk.ui.hardship_file_dialog import HardshipFileDialog
    from gonghui_desk.ui.hardship_view import FilesView

    view = FilesView(context, today=TODAY)
    qtbot.addWidget(view)
    view.show()  # the list is read when first shown
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=5000)
    target = tmp_path / "档案.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dialog = view.start_export()
    dialog.full_numbers_check.setChecked(True)
    dialog.accept()
    wait_jobs(qtbot)
    [entry] = unmask_entries(context.db)
    assert (entry["output"], entry["table_name"], entry["count"]) == ("导出困难职工档案名册", "hardship_files",
                                                                      view.model.rowCount())

    file_id, name = context.db.execute("SELECT f.id, m.name FROM hardship_files f JOIN members m ON m.id = f.member_id "
                                       "WHERE f.voided_at IS NULL ORDER BY f.id LIMIT 1").fetchone()
    form = HardshipFileDialog(context, file_id, today=TODAY)
    qtbot.addWidget(form)
    options = form.start_print()
    options.accept()  # masked: nothing logged
    assert len(previews) == 1 and len(unmask_entries(context.db)) == 1
    options = form.start_print()
    options.full_numbers_check.setChecked(True)
    options.accept()
    entry = unmask_entries(context.db)[-1]
    assert (entry["output"], entry["fields"], entry["count"]) == (f"打印困难职工档案表：{name}",
                                                                  ["身份证号", "手机号", "银行卡号"], 1)
    form.show_account_check.click()  # shown in full on screen: logged too
    assert unmask_entries(context.db)[-1]["output"] == f"困难职工档案：显示完整号码（{name}）"


def test_the_upstream_page_asks_for_full_numbers_per_export(context, qtbot, tmp_path, monkeypatch):
    from gonghui_desk.ui.upstream_view import UpstreamView

    view = UpstreamView(context, today=TODAY)
    qtbot.addWidget(view)
    view.show()
    view.select_form("yearly-stats")
    assert not view.full_numbers_check.isVisible()
    view.select_form("member-info")
    assert view.full_numbers_check.isVisible() and not view.full_numbers_check.isChecked()
    target = tmp_path / "采集表.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    view.full_numbers_check.setChecked(True)
    view.start_export()
    assert not view.full_numbers_check.isChecked()  # the next export is masked unless asked again
    wait_jobs(qtbot)
    [entry] = unmask_entries(context.db)
    assert (entry["output"], entry["file"]) == ("导出会员信息采集表", str(target.resolve()))
    view.start_export()
    wait_jobs(qtbot)
    assert len(unmask_entries(context.db)) == 1


def test_the_form_fill_wizard_asks_on_its_last_step(context, qtbot, tmp_path):
    from gonghui_desk.ui.form_fill_wizard import FormFillWizard
    from tests.test_gui_upstream import close, fill, to_mapping, to_records, upstream_form, wait_read

    form = tmp_path / "采集表.xlsx"
    upstream_form(form)
    wizard = FormFillWizard(context, path=form, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    wait_read(wizard, qtbot)
    to_records(wizard, qtbot)
    to_mapping(wizard, qtbot)
    samples = [wizard.mapping_page.model.index(row, 3).data() for row in range(wizard.mapping_page.model.rowCount())]
    assert any(text and "*" * 8 in text for text in samples)  # the preview masks the ID numbers
    wizard.next()
    options = wizard.options_page
    assert options.numbers_box.isVisibleTo(options) and not options.full_numbers_check.isChecked()
    assert "上级表格通常需要完整身份证号：勾选后会记录在修改记录中" in options.numbers_hint.text()
    fill(wizard, qtbot)
    assert not wizard.result.full_numbers and unmask_entries(context.db) == []
    assert "身份证号、手机号只填写了前后几位" in wizard.done_page.summary_text()
    close(wizard, qtbot)
