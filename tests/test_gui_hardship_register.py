"""The register page's 导入…, 导出Excel… and 打印…: the buttons, an export of the files the filters
list (masked by default), the print preview's table, and the import wizard opened without blocking."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gonghui_desk.exporting.hardship_register import REGISTER_PRINT_COLUMNS, REGISTER_TITLE
from gonghui_desk.hardship.files import FamilyMemberInput, FileInput, HardshipFileStore
from gonghui_desk.ui.hardship_import_wizard import HardshipImportWizard
from gonghui_desk.ui.hardship_view import ExportRegisterDialog, FilesView
from gonghui_desk.ui.workers import Job
from gonghui_desk.union import add_sub_unit
from tests.conftest import TODAY, VALID_IDS

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(empty_context):
    """Three files on file or applied for: 张三 (特困, overdue), 李四 (困难), 王五 (申请中)."""
    ctx = empty_context
    shop = add_sub_unit(ctx.db, "一车间")
    office = add_sub_unit(ctx.db, "办公室")
    ids = {}
    for name, unit, id_number, phone in (("张三", shop, VALID_IDS["man_1985"], "13812345678"),
                                         ("李四", shop, VALID_IDS["woman_1990"], ""),
                                         ("王五", office, None, "")):
        ids[name] = ctx.members.create({"name": name, "sub_unit_id": unit, "id_number": id_number, "phone": phone},
                                       today=TODAY)
    store = HardshipFileStore(ctx.db, today=TODAY)
    ctx.files = {
        "张三": store.open_file(FileInput(ids["张三"], category="特困", main_cause="因病", opened_on="2024-03-01",
                                          monthly_income_fen=200000),
                                [FamilyMemberInput("张小三", "子女")]),
        "李四": store.open_file(FileInput(ids["李四"], category="困难", main_cause="因学", opened_on="2025-12-01")),
        "王五": store.open_file(FileInput(ids["王五"], category="困难", main_cause="因病", opened_on="2026-11-01"),
                                status="申请中"),
    }
    return ctx


@pytest.fixture
def view(context, qtbot):
    page = FilesView(context, today=TODAY)
    qtbot.addWidget(page)
    page.ensure_loaded()
    return page


def _shown_names(view) -> list[str]:
    return [view.model.text(row, "member") for row in range(view.model.rowCount())]


def test_the_buttons_sit_beside_new_and_open(view):
    layout = view.new_button.parentWidget().layout()
    row = next(layout.itemAt(i).layout() for i in range(layout.count())
               if layout.itemAt(i).layout() and layout.itemAt(i).layout().indexOf(view.new_button) >= 0)
    texts = [row.itemAt(i).widget().text() for i in range(row.count()) if row.itemAt(i).widget()
             and row.itemAt(i).widget().inherits("QPushButton")]
    assert texts[-5:] == ["新建档案", "打开", "导入…", "导出Excel…", "打印…"]
    assert view.export_button.isEnabled() and view.print_button.isEnabled()
    view.status_combo.setCurrentText("注销")  # nothing listed: nothing to export or print
    assert view.model.rowCount() == 0
    assert not view.export_button.isEnabled() and not view.print_button.isEnabled()
    assert view.start_export() is None and view.start_print() is None
    assert view.import_button.isEnabled()


def _export(view, qtbot, monkeypatch, target, *, masked: bool | None = None) -> list[list]:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dialog = view.start_export()
    assert isinstance(dialog, ExportRegisterDialog) and not dialog.full_numbers  # masked unless ticked
    if masked is not None:
        dialog.full_numbers_check.setChecked(not masked)
    dialog.prepared_by_edit.setText("刘干事")
    dialog.accept()
    qtbot.waitUntil(lambda: view.export_job is not None and not Job._running, timeout=10000)
    sheet = openpyxl.load_workbook(target.with_suffix(".xlsx")).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_export_writes_the_files_listed(view, qtbot, tmp_path, monkeypatch):
    view.category_combo.setCurrentIndex(view.category_combo.findData("特困"))
    assert _shown_names(view) == ["张三"]
    rows = _export(view, qtbot, monkeypatch, tmp_path / "名册")
    assert rows[0][0] == REGISTER_TITLE and rows[1][0].startswith("范围：档案状态：在档；困难类别：特困")
    header = rows[3]
    data = [r for r in rows[4:] if isinstance(r[0], int)]
    assert [r[header.index("户主")] for r in data] == ["张三"]
    assert data[0][header.index("身份证号")] == "110101********0013"
    assert data[0][header.index("联系电话")] == "138****5678"
    texts = [str(r[0]) for r in rows if r[0] is not None]
    assert "合计：共 1 户 2 人（人数为家庭人口之和）" in texts and any("刘干事" in t for t in texts)
    assert view.export_job.feedback.box is not None  # the offer to open the folder, not blocking


def test_export_in_full_and_in_the_order_shown(view, qtbot, tmp_path, monkeypatch):
    view.status_combo.setCurrentText("全部")
    assert _shown_names(view) == ["王五", "李四", "张三"]  # newest file first
    view.table.sortByColumn(view.model.column_index["member"], Qt.AscendingOrder)  # by name: 李 王 张
    shown = _shown_names(view)
    assert shown == ["李四", "王五", "张三"]
    rows = _export(view, qtbot, monkeypatch, tmp_path / "全部.xlsx", masked=False)
    header = rows[3]
    data = [r for r in rows[4:] if isinstance(r[0], int)]
    assert [r[header.index("户主")] for r in data] == shown
    assert [r[header.index("身份证号")] for r in data] == [VALID_IDS["woman_1990"], None, VALID_IDS["man_1985"]]
    assert not rows[1][0].endswith("（身份证号、联系电话已隐去中间部分）")


def test_print_shows_the_preview_of_the_files_listed(view, qtbot, monkeypatch, tmp_path):
    from gonghui_desk.ui import printing

    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append(table))
    assert _shown_names(view) == ["李四", "张三"]  # 在档, newest first
    view.start_print()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    table = shown[0]
    assert table.title == REGISTER_TITLE and table.landscape
    assert [c.label for c in table.columns] == [c.label for c in REGISTER_PRINT_COLUMNS]
    assert [row[1] for row in table.rows] == ["李四", "张三"]
    assert table.rows[1][3] == "110101********0013"
    assert table.total_lines[0] == "合计：共 2 户 3 人（人数为家庭人口之和）"
    assert table.total_lines[-1] == "年度复核逾期：1 户"
    assert printing.print_to_pdf(table, tmp_path / "名册.pdf") == 1  # one A4 landscape page


def test_the_import_button_opens_the_real_wizard_without_blocking(view, qtbot):
    view.import_button.click()
    wizard = view.import_wizard
    assert isinstance(wizard, HardshipImportWizard)
    qtbot.waitUntil(wizard.isVisible, timeout=5000)  # open(), not exec(): the test goes on
    assert wizard.parent() is view and wizard.today == TODAY
    wizard.reject()
