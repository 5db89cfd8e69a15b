"""The 荣誉 page: filters, ordering and the totals line; the honour dialog (recipients, checks, saving,
推进到下一阶段, 作废, the 劳模类型 that follows); export and print through the page; the import wizard
end to end; and the main window's real 荣誉 page."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QWizard

from gonghui_desk.exporting.honours import HONOUR_PRINT_COLUMNS, HONOURS_TITLE
from gonghui_desk.honours.register import HonourFilter, honour_ids
from gonghui_desk.honours.store import HonourInput, HonourStore
from gonghui_desk.ui.honour_dialog import AwardDialog, HonourDialog
from gonghui_desk.ui.honour_import_wizard import HonourImportWizard
from gonghui_desk.ui.honours_view import ExportHonoursDialog, HonoursView
from gonghui_desk.ui.workers import Job
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile
from tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(empty_context):
    """某某公司工会: 一车间, 办公室; 张三, 李四 (一车间), 王五 (办公室); five honours at four levels, one 推荐."""
    ctx = empty_context
    save_profile(ctx.db, UnionProfile(name="某某公司工会委员会", kind="企业", upstream_union="某某区总工会"))
    ctx.units = {"一车间": add_sub_unit(ctx.db, "一车间"), "办公室": add_sub_unit(ctx.db, "办公室")}
    ctx.people = {name: ctx.members.create({"name": name, "sub_unit_id": ctx.units[unit]}, today=TODAY)
                  for name, unit in (("张三", "一车间"), ("李四", "一车间"), ("王五", "办公室"))}
    store = HonourStore(ctx.db, today=TODAY)
    ctx.honours = {
        "先进个人": store.save(HonourInput("个人", member_id=ctx.people["李四"], title="先进个人", level="县区级",
                                           year=2025, conferred_by="某某区总工会")),
        "劳模": store.save(HonourInput("个人", member_id=ctx.people["张三"], title="市劳动模范", level="市级",
                                       year=2024, conferred_on="2024-04-28")),
        "先锋号": store.save(HonourInput("集体", sub_unit_id=ctx.units["一车间"], title="工人先锋号", level="市级",
                                         year=2025)),
        "职工之家": store.save(HonourInput("本会", title="模范职工之家", level="县区级", year=2023)),
        "奖章": store.save(HonourInput("个人", member_id=ctx.people["张三"], title="五一劳动奖章", level="省部级",
                                       year=2026, stage="推荐")),
    }
    return ctx


@pytest.fixture
def view(context, qtbot):
    page = HonoursView(context, today=TODAY)
    qtbot.addWidget(page)
    page.ensure_loaded()
    return page


def titles(view) -> list[str]:
    return [view.model.text(row, "title") for row in range(view.model.rowCount())]


def model_type(context, name) -> str:
    return context.members.get(context.people[name])["model_worker_type"]


# --- the page -------------------------------------------------------------------------------------------
def test_the_page_lists_by_level_with_the_totals(view):
    assert titles(view) == ["五一劳动奖章", "工人先锋号", "市劳动模范", "先进个人", "模范职工之家"]
    model = view.model
    assert [model.text(0, k) for k in ("level", "recipient", "kind", "sub_unit", "year", "stage")] == [
        "省部级", "张三", "个人", "一车间", "2026", "推荐"]
    assert model.text(4, "recipient") == "某某公司工会委员会" and model.text(4, "kind") == "本会"
    assert model.index(0, model.column_index["stage"]).data(Qt.ForegroundRole) is not None  # 推荐: amber
    assert "劳模称号" in model.index(2, model.column_index["title"]).data(Qt.ToolTipRole)
    assert view.totals_label.text() == ("当前列出 共 5 项：省部级 1 项、市级 2 项、县区级 2 项；个人 3 项（2 人）、"
                                        "集体 1 项（1 个）、本会 1 项；其中推荐中 1 项")
    texts = [b.text() for b in (view.new_button, view.open_button, view.import_button, view.export_button,
                                view.print_button)]
    assert texts == ["新增荣誉", "打开", "导入…", "导出Excel…", "打印…"]


def test_the_filters(view, qtbot):
    view.level_combo.setCurrentIndex(view.level_combo.findData("市级"))
    assert titles(view) == ["工人先锋号", "市劳动模范"]
    assert view.totals_label.text().startswith("当前列出 共 2 项：市级 2 项；个人 1 项（1 人）、集体 1 项（1 个）")
    view.clear_filters()
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("个人"))
    view.stage_combo.setCurrentIndex(view.stage_combo.findData("获评"))
    assert titles(view) == ["市劳动模范", "先进个人"]
    view.clear_filters()
    view.set_years(2024, 2025)
    assert titles(view) == ["工人先锋号", "市劳动模范", "先进个人"]
    view.set_years(2025, 2024)  # the wrong way round: the same years
    assert view.current_filter().year_from == 2024 and len(titles(view)) == 3
    view.clear_filters()
    view.search_edit.setText("zs")
    qtbot.waitUntil(lambda: titles(view) == ["五一劳动奖章", "市劳动模范"], timeout=3000)
    view.search_edit.setText("没有这个")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=3000)
    assert view.totals_label.text() == "当前筛选下没有荣誉记录"
    assert not view.export_button.isEnabled() and not view.print_button.isEnabled()
    assert view.start_export() is None and view.start_print() is None
    view.clear_filters()
    assert len(titles(view)) == 5 and view.export_button.isEnabled()


def test_sorting_by_a_header(view):
    view.table.sortByColumn(view.model.column_index["year"], Qt.DescendingOrder)
    assert titles(view)[0] == "五一劳动奖章" and titles(view)[-1] == "模范职工之家"


def test_the_year_choices_reach_back_to_the_earliest_honour(view, context):
    years = [view.year_from_combo.itemData(i) for i in range(view.year_from_combo.count())]
    assert years[0] is None and years[1] == TODAY.year + 1 and years[-1] == TODAY.year - 10
    HonourStore(context.db, today=TODAY).save(HonourInput("本会", title="先进职工之家", level="县区级", year=1998))
    view.refresh()
    assert view.year_from_combo.itemData(view.year_from_combo.count() - 1) == 1998


# --- the dialog ------------------------------------------------------------------------------------------
def test_a_new_personal_honour_is_saved_and_the_type_follows(view, context, qtbot):
    dialog = view.new_honour()
    assert isinstance(dialog, HonourDialog) and dialog.windowTitle() == "新增荣誉"
    assert dialog.kind_buttons["个人"].isChecked() and dialog.year_edit.text() == str(TODAY.year)
    assert dialog.stage_combo.currentText() == "获评" and not dialog.void_button.isVisible()
    assert not dialog.save_button.isEnabled()
    assert dialog.summary_label.text() == "请选择获得者，填写荣誉称号、级别和年度后保存。"
    assert dialog.title_combo.findText("劳动模范") >= 0  # the common titles are offered
    assert dialog.save() is None  # nothing filled in: every problem shows under its field
    assert dialog.messages["member_id"].text().startswith("请选择获得荣誉的会员")
    assert dialog.messages["title"].text() == "请填写荣誉称号" and dialog.messages["level"].text() == "请选择级别"

    dialog.member_picker.set_member(context.people["王五"])
    dialog.title_combo.setCurrentText("市先进工作者")
    dialog.level_combo.setCurrentIndex(dialog.level_combo.findData("市级"))
    dialog.conferred_by_edit.setText("某某市人民政府")
    dialog.year_edit.setText("2025")
    dialog.date_edit.setText("2025.4.28")
    dialog.date_edit.editingFinished.emit()
    assert dialog.date_edit.text() == "2025-04-28"
    assert dialog.model_worker_label.isVisibleTo(dialog)
    assert "该会员的劳模类型将为“市级劳模”" in dialog.model_worker_label.text()
    assert dialog.save_button.isEnabled() and dialog.is_dirty()

    with qtbot.waitSignal(context.members_changed, timeout=2000):
        honour_id = dialog.save()
    assert honour_id is not None and dialog.result() == QDialog.Accepted
    assert model_type(context, "王五") == "市级劳模"
    assert "市先进工作者" in titles(view)  # the page read the list again


def test_the_recipient_kind_switches_the_fields(view, context):
    dialog = view.new_honour()
    dialog.kind_buttons["集体"].setChecked(True)
    assert dialog.recipient_stack.currentIndex() == 1
    dialog.title_combo.setCurrentText("巾帼文明岗")
    dialog.level_combo.setCurrentIndex(dialog.level_combo.findData("县区级"))
    assert not dialog.save_button.isEnabled()
    assert dialog.save() is None
    assert dialog.messages["group_name"].text().startswith("集体荣誉请选择获得荣誉的部门")
    dialog.group_edit.setText("质检班")
    dialog.sub_unit_combo.setCurrentIndex(dialog.sub_unit_combo.findData(context.units["一车间"]))
    assert dialog.save_button.isEnabled()
    honour_id = dialog.save()
    row = HonourStore(context.db).get(honour_id)
    assert (row["recipient_kind"], row["group_name"], row["sub_unit_id"], row["member_id"]) == (
        "集体", "质检班", context.units["一车间"], None)

    union = view.new_honour()
    union.kind_buttons["本会"].setChecked(True)
    assert union.recipient_stack.currentIndex() == 2 and "某某公司工会委员会" in union.union_label.text()
    union.title_combo.setCurrentText("先进职工之家")
    union.level_combo.setCurrentIndex(union.level_combo.findData("市级"))
    assert union.save() is not None


def test_an_existing_honour_opens_with_its_stage(view, context):
    view.table.selectRow(titles(view).index("市劳动模范"))
    dialog = view.open_current()
    assert dialog.windowTitle() == "荣誉 - 市劳动模范" and dialog.member_picker.member_id == context.people["张三"]
    assert dialog.banner.isVisibleTo(dialog) and "2024年度已获评（2024-04-28）" in dialog.banner.label.text()
    assert not dialog.stage_combo.isVisibleTo(dialog) and not dialog.advance_button.isVisibleTo(dialog)
    assert dialog.void_button.isVisibleTo(dialog) and not dialog.is_dirty()
    dialog.year_edit.setText("1900")
    dialog.year_edit.editingFinished.emit()
    assert not dialog.save_button.isEnabled() and "年度 1900 不合理" in dialog.messages["year"].text()
    dialog.reject()  # unsaved edits: asks first, without blocking
    assert dialog.discard_box is not None and dialog.isVisible()
    next(b for b in dialog.discard_box.buttons() if b.text() == "放弃修改").click()
    assert not dialog.isVisible()


def test_the_stage_moves_on_to_awarded(view, context, qtbot):
    dialog = HonourDialog(context, context.honours["奖章"], view, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.advance_button.isVisibleTo(dialog) and dialog.advance_button.text() == "推进到下一阶段：申报"
    assert not dialog.date_edit.isEnabled()
    assert "获评后，该会员的劳模类型将为" not in dialog.model_worker_label.text()  # 五一劳动奖章 is not a 劳模 title

    dialog.notes_edit.setPlainText("改了")
    assert dialog.advance_stage() is None and "请先保存修改" in dialog.summary_label.text()
    dialog.notes_edit.setPlainText("")
    assert dialog.advance_stage() == "申报"
    assert HonourStore(context.db).get(context.honours["奖章"])["stage"] == "申报"
    assert dialog.advance_button.text() == "推进到下一阶段：获评"

    award = dialog.advance_stage()
    assert isinstance(award, AwardDialog) and award.date_edit.text() == TODAY.isoformat()
    award.date_edit.setText("2025-05-01")  # not in 2026
    award.accept()
    assert award.isVisible() and "不在 2026 年度内" in award.error_label.text()
    award.date_edit.setText("2026-04-30")
    award.accept()
    row = HonourStore(context.db).get(context.honours["奖章"])
    assert (row["stage"], row["conferred_on"]) == ("获评", "2026-04-30")
    assert not dialog.advance_button.isVisibleTo(dialog) and dialog.date_edit.text() == "2026-04-30"
    assert "获评" in view.model.text(titles(view).index("五一劳动奖章"), "stage")


def test_voiding_an_honour_clears_the_type_it_gave(view, context, qtbot):
    assert model_type(context, "张三") == "市级劳模"
    view.table.selectRow(titles(view).index("市劳动模范"))
    dialog = view.open_current()
    void = dialog.void_honour()
    assert not void.ok_button.isEnabled()
    void.reason_edit.setText("录错了")
    with qtbot.waitSignal(context.members_changed, timeout=2000):
        void.accept()
    assert dialog.result() == QDialog.Accepted
    assert model_type(context, "张三") == ""
    assert "市劳动模范" not in titles(view)
    voided = HonourDialog(context, context.honours["劳模"], view, today=TODAY)
    qtbot.addWidget(voided)
    assert "作废" in voided.banner.label.text() and not voided.save_button.isVisibleTo(voided)
    assert voided.void_honour() is None


# --- export, print, import --------------------------------------------------------------------------------------
def test_export_through_the_page(view, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "名单"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    view.level_combo.setCurrentIndex(view.level_combo.findData("市级"))
    dialog = view.start_export()
    assert isinstance(dialog, ExportHonoursDialog)
    dialog.prepared_by_edit.setText("刘干事")
    dialog.accept()
    qtbot.waitUntil(lambda: view.export_job is not None and not Job._running, timeout=10000)
    sheet = openpyxl.load_workbook(target.with_suffix(".xlsx")).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == HONOURS_TITLE and rows[1][0] == "年度：全部年度；级别：市级（按级别从高到低排列）"
    assert [r[1] for r in rows[4:6]] == ["工人先锋号", "市劳动模范"]
    texts = [str(r[0]) for r in rows if r[0] is not None]
    assert any(t.startswith("合计：共 2 项：市级 2 项") for t in texts) and any("刘干事" in t for t in texts)
    assert view.export_job.feedback.box is not None  # the offer to open the folder, not blocking


def test_print_shows_the_preview_of_the_honours_listed(view, qtbot, monkeypatch, tmp_path):
    from gonghui_desk.ui import printing

    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append(table))
    view.table.sortByColumn(view.model.column_index["year"], Qt.AscendingOrder)
    view.start_print()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    table = shown[0]
    assert table.title == HONOURS_TITLE and table.landscape
    assert [c.label for c in table.columns] == [c.label for c in HONOUR_PRINT_COLUMNS]
    assert [row[1] for row in table.rows] == titles(view)  # in the order shown
    assert table.subtitle_lines == ["年度：全部年度（按年度排列）"]
    assert table.total_lines[0].startswith("合计：共 5 项")
    assert printing.print_to_pdf(table, tmp_path / "名单.pdf") == 1  # one A4 landscape page


def test_the_import_button_opens_the_wizard_without_blocking(view, qtbot):
    view.import_button.click()
    wizard = view.import_wizard
    assert isinstance(wizard, HonourImportWizard)
    qtbot.waitUntil(wizard.isVisible, timeout=5000)
    assert wizard.parent() is view and wizard.today == TODAY and wizard.windowTitle() == "导入荣誉名单"
    wizard.reject()


def test_import_a_list_end_to_end(view, context, qtbot, tmp_path):
    path = tmp_path / "荣誉名单.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["历年荣誉名单"])
    sheet.append(["序号", "姓名", "荣誉称号", "级别", "年度"])
    sheet.append([1, "王五", "省劳动模范", "省级", 2020])
    sheet.append([2, "李四", "先进个人", "区", 2025])  # already recorded
    sheet.append([3, "张无忌", "先进个人", "区", 2025])  # not in the roster
    workbook.save(path)
    wizard = HonourImportWizard(context, path, view, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.finished.connect(lambda *_: view.refresh())
    wizard.show()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=15000)
    wizard.next()
    page = wizard.preview_page
    qtbot.waitUntil(lambda: page.plan is not None and not page.busy, timeout=15000)
    assert page.plan.counts() == {"new": 1, "unchanged": 1, "invalid": 1}
    assert "新增 <b>1</b> 项（个人荣誉 1 人）" in page.counts_label.text()
    assert not wizard.button(QWizard.CommitButton).isEnabled()
    page.skip_check.setChecked(True)
    assert page.message.text() == "点“导入”将新增荣誉 1 项，跳过 1 行，已登记的 1 项不再导入。"
    with qtbot.waitSignal(context.members_changed, timeout=15000):
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    assert (wizard.result.created, wizard.result.model_workers) == (1, 1)
    assert "<b>1</b> 名会员的劳模类型随之更新" in wizard.summary_page.summary_text()
    assert model_type(context, "王五") == "省部级劳模"
    assert "省劳动模范" in titles(view)
    assert len(honour_ids(context.db, HonourFilter())) == 6


# --- the main window --------------------------------------------------------------------------------------------
def test_the_main_window_shows_the_real_honours_page(context, qtbot):
    from gonghui_desk.ui.app import create_main_window, setup_application
    from gonghui_desk.ui.placeholder_view import PlaceholderView

    setup_application()
    window = create_main_window(context)
    qtbot.addWidget(window)
    window.show()
    keys = window.page_keys()
    assert keys.index("honours") == keys.index("events") + 1 < keys.index("proposals")
    window.show_page("honours")
    page = window.stack.currentWidget()
    assert isinstance(page, HonoursView) and not isinstance(page, PlaceholderView)
    assert window.navigation.currentItem().text() == "荣誉"
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=3000)  # loaded when first shown
    assert page.model.text(0, "title") == "五一劳动奖章"
