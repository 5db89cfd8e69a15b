"""The summary report wizard (gonghui_desk.ui.report_wizard) through pytest-qt: kind and period from the
profile's words, the sections counted on a worker (ticks, drag to reorder, empty ones shown and unticked),
the options, the draft written on a worker (with 取消) into the rich-text editor with its headings in the
chosen order, saved as a draft when leaving the page, rebuilt after going back, and exported to Word."""

from __future__ import annotations

import datetime as dt
import importlib

import docx
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QMessageBox

from gonghui_desk.documents import Heading
from gonghui_desk.errors import Cancelled
from gonghui_desk.reports.drafts import draft_stats, list_drafts, load_draft
from gonghui_desk.reports.model import ReportOptions
from gonghui_desk.reports.sections import registered_sections
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.report_wizard import NO_DATA_BRUSH, ReportWizard
from gonghui_desk.ui.workers import Job
from tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("no_job_left_running")

# the modules' report sections (the app loads them through gonghui_desk.modules)
SECTION_MODULES = ("gonghui_desk.reports.member_sections", "gonghui_desk.reports.women_sections",
                   "gonghui_desk.care.report_sections", "gonghui_desk.hardship.report_sections",
                   "gonghui_desk.events.report_sections", "gonghui_desk.honours.report_sections",
                   "gonghui_desk.congress.report_sections")


def load_report_sections() -> None:
    for name in SECTION_MODULES:
        importlib.import_module(name)


load_report_sections()


@pytest.fixture
def demo_context(school_demo_context):
    return school_demo_context


@pytest.fixture
def wizard(qtbot, demo_context):
    w = ReportWizard(demo_context, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.draft_page.editor.close_records()


def to_sections(wizard, qtbot):
    wizard.next()
    assert wizard.currentPage() is wizard.sections_page
    qtbot.waitUntil(wizard.sections_page.is_loaded, timeout=20000)


def to_draft(wizard, qtbot):
    wizard.next()
    assert wizard.currentPage() is wizard.options_page
    wizard.next()
    assert wizard.currentPage() is wizard.draft_page
    qtbot.waitUntil(wizard.draft_page.is_ready, timeout=30000)


def level_one(document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1]


def test_the_first_step_offers_the_kinds_and_periods_in_the_unions_words(wizard, demo_context):
    page = wizard.kind_page
    name = wizard.profile.name
    assert name in page.union_label.text() and "教职工" in page.union_label.text()
    assert page.kind_buttons["term"].text() == "工会工作报告（向教代会报告）"
    assert page.kind() == "annual" and page.mode() == "year"
    assert page.period().label == "2026年" and page.isComplete()
    short = name[:-3] if name.endswith("工会委员会") else name
    assert page.title_edit.placeholderText() == f"{short}2026年度工作总结"
    page.set_kind("half")
    assert page.mode() == "half" and page.period().label == "2026年下半年"
    page.set_kind("semester")
    assert page.mode() == "semester" and page.period().label == "2026—2027学年第一学期"
    assert page.title_edit.placeholderText().endswith("2026—2027学年第一学期工作总结")
    page.set_kind("care")
    assert page.mode() == "year"
    assert page.title_edit.placeholderText() == f"{short}2026年送温暖工作总结"
    page.set_kind("term")  # the demo has a congress term
    assert page.mode() == "term" and page.term is not None and "任期内" in page.period().label
    page.set_custom_dates(dt.date(2026, 3, 1), dt.date(2026, 8, 31))
    assert page.period().label == "2026年3月至8月" and page.isComplete()
    page.set_custom_dates(dt.date(2026, 9, 1), dt.date(2026, 3, 1))
    assert not page.isComplete() and "晚于" in page.period_label.text()
    page.set_custom_dates(dt.date(2027, 1, 1), dt.date(2027, 3, 1))
    assert not page.isComplete() and "还没有开始" in page.period_label.text()
    page.title_edit.setText("关于2026年工会工作的总结")
    page.set_kind("annual")
    assert wizard.request().title == "关于2026年工会工作的总结"


def test_without_a_term_the_term_report_asks_for_dates(qtbot, profiled_db, db_path):
    ctx = AppContext(db_path)
    try:
        w = ReportWizard(ctx, today=dt.date(2026, 1, 10))
        qtbot.addWidget(w)
        page = w.kind_page
        assert page.kind() == "semester"  # a school in January writes its semester summary
        assert page.period().label == "2025—2026学年第一学期"
        page.set_kind("term")
        assert page.term is None and page.mode() == "custom"
        page.set_mode("term")
        assert not page.isComplete() and "届期" in page.period_label.text()
    finally:
        ctx.close()


def test_the_whole_flow_to_a_saved_draft_and_a_word_file(wizard, demo_context, qtbot, tmp_path):
    page = wizard.kind_page
    page.set_kind("annual")
    page.year_spin.setValue(2026)
    to_sections(wizard, qtbot)
    sections = wizard.sections_page
    model = sections.model
    offered = [spec.key for spec in registered_sections("annual")]
    assert model.keys() == offered  # the default order of DOMAIN.md §4
    assert {"democracy", "competition", "care", "culture", "women", "self", "problems", "plans"} <= set(offered)
    titles = {row.preview.key: row.preview.title for row in model.rows}
    assert model.checked_keys() == offered  # the demo has data for every section; free text is in by default
    row = model.row_of("care")
    assert "走访慰问" in model.index(row).data() and "人次" in model.index(row).data()
    # the figures of the current section with how each was counted
    sections.list_view.setCurrentIndex(model.index(row))
    assert sections.details_model.rowCount() > 3
    assert sections.details_model.item(0, 2).text()  # a basis
    # drag: the view moves rows, and a drop the view hands over moves them too
    view = sections.list_view
    assert view.dragDropMode() == QAbstractItemView.InternalMove and view.dragEnabled()
    assert model.flags(model.index(0)) & Qt.ItemIsDragEnabled and not model.flags(model.index(0)) & Qt.ItemIsDropEnabled
    assert model.moveRow(QModelIndex(), model.row_of("care"), QModelIndex(), model.row_of("democracy"))
    assert model.keys()[:3] == ["politics", "care", "democracy"]
    assert model.moveRow(QModelIndex(), 0, QModelIndex(), 3)  # down: dropped before the row then third
    assert model.keys()[:3] == ["care", "democracy", "politics"]
    assert not model.moveRow(QModelIndex(), 2, QModelIndex(), 3)  # onto itself: nothing to do
    assert model.moveRow(QModelIndex(), 2, QModelIndex(), 0)
    assert model.keys()[:3] == ["politics", "care", "democracy"]
    mime = model.mimeData([model.index(model.row_of("self"))])
    assert model.dropMimeData(mime, Qt.MoveAction, 0, 0, QModelIndex()) is False  # moved, nothing to remove
    assert model.keys()[:3] == ["self", "politics", "care"]
    # the buttons
    view.setCurrentIndex(model.index(model.row_of("plans")))
    assert sections.move_up()
    assert model.keys()[-2:] == ["plans", "problems"]
    model.set_checked("competition", False)
    assert "已选 8 部分" in sections.count_label.text()
    chosen = ("self", "politics", "care", "democracy", "culture", "women", "plans", "problems")
    assert wizard.request().sections == chosen
    to_draft_options = wizard.options_page
    wizard.next()
    assert wizard.currentPage() is to_draft_options
    to_draft_options.approximate_radio.setChecked(True)
    to_draft_options.anonymous_radio.setChecked(True)
    assert not to_draft_options.charts_check.isEnabled()
    to_draft_options.appendix_check.setChecked(True)  # charts go with the appendix's tables
    assert to_draft_options.charts_check.isEnabled()
    to_draft_options.charts_check.setChecked(True)
    assert to_draft_options.options().charts
    to_draft_options.appendix_check.setChecked(False)
    assert not to_draft_options.charts_check.isChecked() and not to_draft_options.options().charts
    assert wizard.request().options == ReportOptions(approximate=True, names=False)
    wizard.next()
    qtbot.waitUntil(wizard.draft_page.is_ready, timeout=30000)
    editor = wizard.draft_page.editor
    document = editor.document()
    # the sections in the order chosen, numbered 一、二、… in that order
    assert level_one(document) == [titles[key] for key in chosen]
    numbered = [t for t in editor.heading_texts() if not t.startswith("（")]
    assert numbered[0] == f"一、{titles['self']}" and numbered[2] == f"三、{titles['care']}"
    assert titles["competition"] not in level_one(document)
    keys = editor.mark_keys()
    assert len(keys) > 20 and set(keys) <= set(editor.stats)
    assert editor.status_label.text() == "尚未保存"
    saved = []
    wizard.draft_saved.connect(saved.append)
    wizard.next()  # leaving the draft saves it
    assert wizard.currentPage() is wizard.output_page
    assert saved == [wizard.draft_id]
    drafts = list_drafts(demo_context.db)
    assert [d["id"] for d in drafts] == [wizard.draft_id] and drafts[0]["title"] == document.title
    request, stored = load_draft(demo_context.db, wizard.draft_id)
    assert request == wizard.request() and stored == editor.document()
    assert draft_stats(demo_context.db, wizard.draft_id) == editor.stats
    assert "已保存为草稿" in wizard.output_page.summary.text()
    # output: Word
    path = tmp_path / "总结.docx"
    job = wizard.output_page.outputs.export_to(path)
    qtbot.waitUntil(lambda: job not in Job._running, timeout=30000)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert document.title in text and f"一、{titles['self']}" in text
    job.feedback.box.close()
    # going back and forth without changes keeps the draft (and the officer's edits)
    wizard.back()
    editor.text_edit.textCursor().insertText("（修改）")
    editor.sync()
    wizard.next()
    assert wizard.draft_id == saved[0]
    assert load_draft(demo_context.db, wizard.draft_id)[1] == editor.document()
    wizard.accept()


def test_going_back_and_changing_the_sections_rebuilds_the_draft(wizard, demo_context, qtbot):
    to_sections(wizard, qtbot)
    to_draft(wizard, qtbot)
    editor = wizard.draft_page.editor
    wizard.next()  # saved
    draft_id = wizard.draft_id
    wizard.back()
    wizard.back()
    wizard.back()
    assert wizard.currentPage() is wizard.sections_page
    wizard.sections_page.model.set_checked("women", False)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(wizard.draft_page.is_ready, timeout=30000)
    assert "women" not in wizard.draft_page.built_request.sections  # no edits: rebuilt without asking
    titles = {row.preview.key: row.preview.title for row in wizard.sections_page.model.rows}
    assert titles["women"] not in level_one(editor.document())
    # with edits, rebuilding asks first (a box that does not block)
    editor.text_edit.textCursor().insertText("我的修改")  # the cursor is at the start: in the title
    editor.sync()
    wizard.back()
    wizard.back()
    wizard.sections_page.model.set_checked("culture", False)
    wizard.next()
    wizard.next()
    box = wizard.draft_page.regenerate_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    keep = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.RejectRole)
    keep.click()
    assert editor.document().title.startswith("我的修改")  # kept
    wizard.back()
    wizard.next()
    box = wizard.draft_page.regenerate_box
    rebuild = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.DestructiveRole)
    rebuild.click()
    qtbot.waitUntil(lambda: wizard.draft_page.is_ready()
                    and "culture" not in wizard.draft_page.built_request.sections, timeout=30000)
    assert "我的修改" not in editor.document().title
    wizard.next()  # the same draft, with the new request and stats
    assert wizard.draft_id == draft_id
    request, document = load_draft(demo_context.db, draft_id)
    assert request == wizard.request() and "culture" not in request.sections
    assert document == editor.document()


def test_a_section_without_data_is_shown_and_left_unticked(qtbot, profiled_db, db_path):
    from gonghui_desk.members import MemberStore

    MemberStore(profiled_db).create({"name": "张三", "sex": "女", "join_date": "2026-03-01"})
    ctx = AppContext(db_path)
    try:
        w = ReportWizard(ctx, today=TODAY)
        qtbot.addWidget(w)
        w.show()
        to_sections(w, qtbot)
        model = w.sections_page.model
        row = model.row_of("competition")  # no events, no honours
        index = model.index(row)
        assert index.data(Qt.CheckStateRole) == Qt.Unchecked
        assert index.data(Qt.ForegroundRole) == NO_DATA_BRUSH
        assert "所选期间没有记录（默认不写入）" in index.data()
        assert "competition" not in model.checked_keys()
        assert "self" in model.checked_keys()  # the member who joined
        assert {"politics", "problems", "plans"} <= set(model.checked_keys())  # free text is in by default
        assert "由您填写" in model.index(model.row_of("plans")).data()
        # ticked by hand, the empty section gets a prompt for the officer, never invented text
        model.set_checked("competition", True)
        to_draft(w, qtbot)
        document = w.draft_page.editor.document()
        titles = {r.preview.key: r.preview.title for r in model.rows}
        index = document.blocks.index(Heading(1, titles["competition"]))
        prompt = document.blocks[index + 1].text
        assert prompt.startswith("【") and prompt.endswith("】") and not document.blocks[index + 1].marks
        w.sections_page.model.reset_defaults()
        assert "competition" not in w.sections_page.model.checked_keys()
    finally:
        ctx.close()


def test_writing_the_draft_can_be_cancelled(wizard, qtbot, monkeypatch):
    import time

    from gonghui_desk.reports import builder

    real = builder.build_report_with_stats

    def slow(db, request, *, today=None, progress=None, is_cancelled=None):
        progress(0, 3, "统计中…")
        for _ in range(500):
            if is_cancelled():
                raise Cancelled()
            time.sleep(0.01)
        return real(db, request, today=today, progress=progress, is_cancelled=is_cancelled)

    monkeypatch.setattr(builder, "build_report_with_stats", slow)
    to_sections(wizard, qtbot)
    wizard.next()
    wizard.next()
    page = wizard.draft_page
    assert page.busy and page.jobs.cancel_button.isVisible() and not page.isComplete()
    page.jobs.cancel()
    qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    assert "已取消" in page.jobs.label.text()
    assert not page.is_ready()
    monkeypatch.setattr(builder, "build_report_with_stats", real)
    wizard.back()
    wizard.next()
    qtbot.waitUntil(page.is_ready, timeout=30000)
    assert page.editor.heading_texts()


def test_closing_the_wizard_while_it_writes_cancels_first(wizard, qtbot, monkeypatch):
    import time

    from gonghui_desk.reports import builder

    def slow(db, request, *, today=None, progress=None, is_cancelled=None):
        while not is_cancelled():
            time.sleep(0.01)
        raise Cancelled()

    monkeypatch.setattr(builder, "build_report_with_stats", slow)
    to_sections(wizard, qtbot)
    wizard.next()
    wizard.next()
    assert wizard.draft_page.busy
    wizard.reject()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10000)
    assert list_drafts(wizard.context.db) == []


def test_closing_with_a_draft_not_saved_asks_first(wizard, demo_context, qtbot):
    to_sections(wizard, qtbot)
    to_draft(wizard, qtbot)
    wizard.reject()
    box = wizard.close_box
    assert isinstance(box, QMessageBox) and box.isVisible() and wizard.isVisible()
    stay = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.RejectRole)
    stay.click()
    assert wizard.isVisible() and list_drafts(demo_context.db) == []
    wizard.reject()
    box = wizard.close_box
    save = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.AcceptRole)
    save.click()
    assert not wizard.isVisible()
    assert [d["id"] for d in list_drafts(demo_context.db)] == [wizard.draft_id]

