"""The rich-text editor of a summary report's draft (gonghui_desk.ui.report_editor, report_text, report_output)
on a hand-made document with figure marks: headings numbered automatically and renumbered when sections move
or a paragraph becomes a heading; figures kept when untouched and dropped when the officer changes them;
hovering a figure shows its basis, clicking it the records behind it; Enter after a heading; typed numbers
taken off; saving as a draft and reopening it; Word and PDF exports and the print layout."""

from __future__ import annotations

import shutil
import subprocess

import docx
import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QKeyEvent, QPdfWriter, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from gonghui_desk.documents import Document, Figure, Heading, Mark, Paragraph, Table
from gonghui_desk.reports.drafts import draft_stats, list_drafts, load_draft
from gonghui_desk.reports.model import ReportPeriod, ReportRequest, Stat
from gonghui_desk.ui.report_editor import ReportEditor, ReportEditorDialog, figure_value_text, open_draft
from gonghui_desk.ui.report_output import paint_report
from gonghui_desk.ui.report_text import PRINT, fill_text_document, read_text_document
from gonghui_desk.ui.workers import Job
from gonghui_desk.union import UnionProfile, save_profile
from tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("no_job_left_running")

PERIOD = ReportPeriod("2026-01-01", "2026-12-31", "2026年")
REQUEST = ReportRequest("annual", PERIOD)


def para(*parts) -> Paragraph:
    """A paragraph from plain pieces and (key, figure text) pairs."""
    text, marks = "", []
    for part in parts:
        if isinstance(part, tuple):
            key, shown = part
            marks.append(Mark(len(text), len(text) + len(shown), key))
            text += shown
        else:
            text += part
    return Paragraph(text, tuple(marks))


def sample_document() -> Document:
    return Document(
        title="测试中学工会2026年度工作总结",
        blocks=[
            para("2026年，全年走访慰问教职工", ("visits", "23人次"), "，发放慰问金", ("cash", "1.15万元"),
                 "。现将一年来的工作总结如下："),
            Heading(1, "加强民主管理，推进校务公开"),
            para("召开教代会", ("sessions", "2次"), "，收到提案", ("proposals", "23件"), "。"),
            Heading(2, "提案办理"),
            para("已办结", ("done", "15件"), "，立案率", ("rate", "73.9%"), "。"),
            Heading(1, "关爱教职工生活"),
            para("新发展会员", ("joined", "3人"), "。"),
            Table(("项目", "人次"), (("生病住院慰问", "12"), ("退休慰问", "6"))),
            Heading(1, "存在的问题和不足"),
            para("【请填写：工作中存在的主要问题】"),
        ],
        signer="测试中学工会委员会", date_text="2026年11月22日",
        figures=[Figure("慰问人次", "23人次", "2026年登记的慰问，每条记录1人次")])


@pytest.fixture
def context(empty_context):
    save_profile(empty_context.db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    ids = [empty_context.members.create({"name": name, "sex": "女"}) for name in ("张三", "李四", "王五")]
    empty_context.member_ids = ids
    return empty_context


@pytest.fixture
def stats(context):
    ids = tuple(context.member_ids)
    return {
        "visits": Stat("visits", "慰问人次", 23, "人次", "2026年登记的慰问，每条记录1人次"),
        "cash": Stat("cash", "慰问金", 1_150_000, "元", "这些慰问发放的慰问金之和"),
        "sessions": Stat("sessions", "召开教代会", 2, "次", "期内召开的教代会会议"),
        "proposals": Stat("proposals", "收到提案", 23, "件", "期内提交的提案"),
        "done": Stat("done", "办结", 15, "件", "办理完毕的提案"),
        "rate": Stat("rate", "立案率", 17, "件", "立案率＝立案17件÷收到提案23件＝73.9%", base=23),
        "joined": Stat("joined", "新发展会员", 3, "人", "期内入会的会员", "members", ids),
    }


@pytest.fixture
def editor(qtbot, context, stats):
    widget = ReportEditor(context, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.load(sample_document(), request=REQUEST, stats=stats)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close_records()


def type_text(widget, text: str) -> None:
    """Type ``text`` key by key (QTest's key clicks take only ASCII)."""
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.NoModifier, ch))


def put_cursor(editor: ReportEditor, position: int) -> QTextCursor:
    cursor = editor.text_edit.textCursor()
    cursor.setPosition(position)
    editor.text_edit.setTextCursor(cursor)
    return cursor


def block_with(editor: ReportEditor, text: str):
    block = editor.text_edit.document().begin()
    while block.isValid():
        if text in block.text():
            return block
        block = block.next()
    raise AssertionError(f"no block with {text!r}")


def test_the_text_round_trips_with_numbers_and_marks(editor):
    assert editor.heading_texts() == ["一、加强民主管理，推进校务公开", "（一）提案办理", "二、关爱教职工生活",
                                      "三、存在的问题和不足"]
    assert [editor.outline.item(r).text().strip("　") for r in range(editor.outline.count())] == editor.heading_texts()
    assert editor.document() == sample_document()  # numbers are not part of the text; every mark comes back
    assert editor.mark_keys() == ["visits", "cash", "sessions", "proposals", "done", "rate", "joined"]
    assert not editor.is_dirty()
    # the same conversion without the widget, as printing uses it
    from PySide6.QtGui import QTextDocument

    qdoc = QTextDocument()
    opaque, starts = fill_text_document(qdoc, sample_document(), PRINT)
    assert read_text_document(qdoc, figures=sample_document().figures, opaque=opaque).document == sample_document()
    assert qdoc.findBlockByNumber(starts[1]).text() == "一、加强民主管理，推进校务公开"


def test_moving_a_section_renumbers_the_headings(editor):
    put_cursor(editor, block_with(editor, "已办结").position())  # inside the subsection of the first section
    assert not editor.move_up()  # the first subsection has no sibling before it
    put_cursor(editor, block_with(editor, "新发展会员").position() + 2)  # in section 二
    assert editor.move_up()
    assert editor.heading_texts() == ["一、关爱教职工生活", "二、加强民主管理，推进校务公开", "（一）提案办理",
                                      "三、存在的问题和不足"]
    assert editor.text_edit.textCursor().block().text() == "一、关爱教职工生活"  # the cursor follows the section
    doc = editor.document()
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Heading", "Paragraph", "Table", "Heading",
                                                       "Paragraph", "Heading", "Paragraph", "Heading", "Paragraph"]
    assert doc.blocks[2] == sample_document().blocks[6]  # moved with its figure mark and its table
    assert doc.blocks[3] == sample_document().blocks[7]
    assert editor.is_dirty()
    assert editor.move_down()  # and back
    assert editor.document() == sample_document()
    assert not editor.is_dirty()
    # the outline follows
    assert editor.outline.item(0).text() == "一、加强民主管理，推进校务公开"
    # the last section cannot go further down
    put_cursor(editor, block_with(editor, "请填写").position())
    assert not editor.move_down()


def test_a_paragraph_made_a_heading_renumbers_the_rest(editor):
    put_cursor(editor, block_with(editor, "新发展会员").position())
    editor.set_block_style("heading", 1)
    assert editor.heading_texts() == ["一、加强民主管理，推进校务公开", "（一）提案办理", "二、关爱教职工生活",
                                      "三、新发展会员3人。", "四、存在的问题和不足"]
    assert editor.style_combo.currentText().startswith("一级标题")
    headings = [b for b in editor.document().blocks if isinstance(b, Heading)]
    assert Heading(1, "新发展会员3人。") in headings  # a heading keeps no figure marks
    assert "joined" not in editor.mark_keys()
    editor.text_edit.undo()  # one step undoes the change and its renumbering
    editor.sync()
    assert editor.heading_texts()[3] == "三、存在的问题和不足"
    assert editor.document() == sample_document()
    # removing a heading: its section's text joins the one before, numbers close up
    put_cursor(editor, block_with(editor, "关爱教职工生活").position() + 3)
    editor.set_block_style("paragraph")
    assert editor.heading_texts() == ["一、加强民主管理，推进校务公开", "（一）提案办理", "二、存在的问题和不足"]
    assert Paragraph("关爱教职工生活") in editor.document().blocks


def test_editing_keeps_untouched_figures_and_drops_changed_ones(editor, qtbot):
    first = block_with(editor, "全年走访慰问")
    start = first.position() + first.text().index("23人次")
    put_cursor(editor, start + 1)  # inside "23人次"
    type_text(editor.text_edit, "5")
    editor.sync()
    assert block_with(editor, "全年走访慰问").text().startswith("2026年，全年走访慰问教职工253人次")
    # typing right after a figure and right before another one leaves both alone
    cash = block_with(editor, "发放慰问金")
    put_cursor(editor, cash.position() + cash.text().index("1.15万元") + len("1.15万元"))
    type_text(editor.text_edit, "（含物品）")
    sessions = block_with(editor, "召开教代会")
    put_cursor(editor, sessions.position() + sessions.text().index("2次"))
    type_text(editor.text_edit, "共")
    editor.sync()
    doc = editor.document()
    opening = doc.blocks[0]
    assert opening.text == "2026年，全年走访慰问教职工253人次，发放慰问金1.15万元（含物品）。现将一年来的工作总结如下："
    assert [m.key for m in opening.marks] == ["cash"]  # "23人次" was changed: no longer the ledger's figure
    mark = opening.marks[0]
    assert opening.text[mark.start:mark.end] == "1.15万元"
    assert doc.blocks[2].text == "召开教代会共2次，收到提案23件。"
    assert [(doc.blocks[2].text[m.start:m.end], m.key) for m in doc.blocks[2].marks] == [("2次", "sessions"),
                                                                                          ("23件", "proposals")]
    assert "visits" not in editor.mark_keys()  # shown as plain text now
    # a digit typed just before a figure makes another number: dropped too
    done = block_with(editor, "已办结")
    put_cursor(editor, done.position() + done.text().index("15件"))
    type_text(editor.text_edit, "1")
    editor.sync()
    assert "done" not in editor.mark_keys()
    # deleting a whole figure leaves no mark behind
    rate = block_with(editor, "立案率")
    cursor = put_cursor(editor, rate.position() + rate.text().index("73.9%"))
    cursor.setPosition(cursor.position() + len("73.9%"), QTextCursor.KeepAnchor)
    cursor.removeSelectedText()
    editor.sync()
    assert "rate" not in editor.mark_keys()
    assert editor.document().blocks[4] == Paragraph("已办结115件，立案率。")


def test_hovering_a_figure_shows_how_it_was_counted(editor, qtbot, stats):
    viewport = editor.text_edit.viewport()
    point = editor.mark_point("visits")
    assert editor.text_edit.figure_at(point) == "visits"
    event = QHelpEvent(QEvent.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    tip = QToolTip.text()
    assert "慰问人次" in tip and "23人次" in tip and "2026年登记的慰问，每条记录1人次" in tip
    # a rate shows the percentage its basis computes (not the stored value)
    assert "73.9%" in editor.text_edit.tooltip_at(editor.mark_point("rate"))
    assert figure_value_text(stats["rate"]) == "73.9%"
    # a figure with records says how many
    assert "单击查看背后的 3 条记录" in editor.text_edit.tooltip_at(editor.mark_point("joined"))
    # plain text has no tooltip
    plain = editor.text_edit.cursorRect(put_cursor(editor, block_with(editor, "全年走访").position() + 2)).center()
    assert editor.text_edit.figure_at(plain) is None
    assert editor.text_edit.tooltip_at(plain) == ""
    # before the stats are known, and for a key without a stat
    editor.stats = None
    assert "正在读取" in editor.figure_tip("visits")
    editor.stats = {}
    assert "没有找到" in editor.figure_tip("visits")


def test_clicking_a_figure_lists_the_records_behind_it(editor, qtbot):
    point = editor.mark_point("joined")
    qtbot.mouseClick(editor.text_edit.viewport(), Qt.LeftButton, pos=point)
    dialog = editor.records_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.key == "joined"
    assert "新发展会员" in dialog.title_label.text() and "3人" in dialog.title_label.text()
    assert "期内入会的会员" in dialog.basis_label.text()
    records = dialog.records()
    assert sorted(row[0] for row in records) == ["张三", "李四", "王五"]
    assert dialog.note_label.text() == "共 3 条记录。"
    # a figure without records (a rate) says so; the same dialog is reused
    qtbot.mouseClick(editor.text_edit.viewport(), Qt.LeftButton, pos=editor.mark_point("rate"))
    assert editor.records_dialog is dialog and dialog.key == "rate"
    assert dialog.records() == [] and "没有记录清单" in dialog.note_label.text()
    # a click on plain text opens nothing new
    dialog.close()
    plain = editor.text_edit.cursorRect(put_cursor(editor, block_with(editor, "全年走访").position() + 2)).center()
    qtbot.mouseClick(editor.text_edit.viewport(), Qt.LeftButton, pos=plain)
    assert not dialog.isVisible()


def test_enter_after_a_heading_starts_a_paragraph_and_typed_numbers_are_taken_off(editor, qtbot):
    heading = block_with(editor, "关爱教职工生活")
    cursor = put_cursor(editor, heading.position() + len(heading.text()))
    qtbot.keyClick(editor.text_edit, Qt.Key_Return)
    type_text(editor.text_edit, "全年开展送温暖活动。")
    editor.sync()
    doc = editor.document()
    index = doc.blocks.index(Heading(1, "关爱教职工生活"))
    assert doc.blocks[index + 1] == Paragraph("全年开展送温暖活动。")
    # Enter at the start of a heading puts a paragraph before it
    heading = block_with(editor, "存在的问题和不足")
    cursor = put_cursor(editor, heading.position() + len("三、"))
    qtbot.keyClick(editor.text_edit, Qt.Key_Return)
    type_text(editor.text_edit, "此外还有")
    editor.sync()
    assert editor.heading_texts()[-1] == "三、存在的问题和不足"
    doc = editor.document()
    assert doc.blocks[doc.blocks.index(Heading(1, "存在的问题和不足")) - 1] == Paragraph("此外还有")
    # a number typed by habit is taken off when the text is read, with a note
    heading = block_with(editor, "存在的问题和不足")
    put_cursor(editor, heading.position() + len("三、"))
    type_text(editor.text_edit, "四、")
    editor.sync()
    assert block_with(editor, "存在的问题和不足").text() == "三、四、存在的问题和不足"
    assert Heading(1, "存在的问题和不足") in editor.document().blocks
    assert editor.notes and "四、" in editor.notes[0]
    # the automatic number cannot be typed over: it comes back
    heading = block_with(editor, "存在的问题和不足")
    cursor = put_cursor(editor, heading.position())
    cursor.setPosition(heading.position() + 2, QTextCursor.KeepAnchor)
    cursor.removeSelectedText()
    editor.sync()
    assert block_with(editor, "存在的问题和不足").text().startswith("三、")


def test_save_as_a_draft_and_reopen_it(editor, context, qtbot, stats):
    block = block_with(editor, "请填写")
    cursor = put_cursor(editor, block.position())
    cursor.movePosition(QTextCursor.EndOfBlock, QTextCursor.KeepAnchor)
    cursor.insertText("活动经费偏紧。")
    editor.sync()
    assert editor.is_dirty() and editor.status_label.text() == "有未保存的修改"
    saved = []
    editor.saved.connect(saved.append)
    draft_id = editor.save_draft()
    assert saved == [draft_id] and editor.draft_id == draft_id
    assert not editor.is_dirty() and editor.status_label.text().startswith("已保存")
    request, document = load_draft(context.db, draft_id)
    assert request == REQUEST
    assert document == editor.document()
    assert document.blocks[-1] == Paragraph("活动经费偏紧。")
    assert draft_stats(context.db, draft_id) == stats
    assert [d["id"] for d in list_drafts(context.db)] == [draft_id]
    # saving again updates the same draft
    put_cursor(editor, block_with(editor, "活动经费").position())
    editor.text_edit.textCursor().insertText("一是")
    editor.sync()
    assert editor.save_draft() == draft_id
    assert load_draft(context.db, draft_id)[1].blocks[-1] == Paragraph("一是活动经费偏紧。")
    # reopened: the same text, the marks, the stats behind them
    dialog = open_draft(None, context, draft_id, today=TODAY)
    assert isinstance(dialog, ReportEditorDialog) and dialog.isVisible()
    reopened = dialog.editor
    assert reopened.document() == load_draft(context.db, draft_id)[1]
    assert reopened.mark_keys() == editor.mark_keys()
    assert "期内入会的会员" in reopened.figure_tip("joined")
    assert not dialog.is_dirty()
    assert dialog.title_label.text() == "测试中学工会2026年度工作总结"
    dialog.close()


def test_reopening_a_missing_draft_says_so(context, qtbot):
    assert open_draft(None, context, 999, today=TODAY) is None
    box = open_draft.error_box
    assert "不存在" in box.text()
    box.close()


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_export_word_and_pdf_with_the_edited_text(editor, context, qtbot, tmp_path):
    from gonghui_desk.ui.report_output import ReportOutputs

    put_cursor(editor, block_with(editor, "请填写").position())
    cursor = editor.text_edit.textCursor()
    cursor.movePosition(QTextCursor.EndOfBlock, QTextCursor.KeepAnchor)
    cursor.insertText("经费使用需更加规范。")
    editor.sync()
    outputs = ReportOutputs(editor, context, editor.document)
    word = tmp_path / "总结.docx"
    job = outputs.export_to(word)
    qtbot.waitUntil(lambda: job not in Job._running, timeout=20000)
    assert word.exists()
    text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    assert "一、加强民主管理，推进校务公开" in text and "（一）提案办理" in text
    assert "经费使用需更加规范。" in text and "请填写" not in text
    assert job.feedback.box is not None
    job.feedback.box.close()
    pdf = tmp_path / "总结.pdf"
    job = outputs.export_to(pdf)
    qtbot.waitUntil(lambda: job not in Job._running, timeout=30000)
    assert pdf.exists()
    extracted = pdf_text(pdf).replace(" ", "")
    assert "测试中学工会2026年度工作总结" in extracted
    assert "经费使用需更加规范" in extracted
    job.feedback.box.close()


def test_print_layout_and_preview(editor, context, qtbot, tmp_path):
    from gonghui_desk.ui.report_output import ReportOutputs, print_text_document

    long = sample_document()
    long.blocks = long.blocks + [Paragraph("这是一段很长的文字，" * 40) for _ in range(12)]
    qdoc = print_text_document(long)
    assert qdoc.pageCount() >= 3
    path = tmp_path / "print.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(150)
    pages = paint_report(writer, long)
    del writer
    assert pages == qdoc.pageCount()
    text = pdf_text(path).replace(" ", "")
    assert "—1—" in text and f"—{pages}—" in text
    outputs = ReportOutputs(editor, context, editor.document)
    preview = outputs.print_preview()
    assert preview is outputs.preview_dialog and preview.isVisible()
    assert "测试中学工会2026年度工作总结" in preview.windowTitle()
    preview.close()


def test_an_empty_editor_is_read_only(qtbot, context):
    widget = ReportEditor(context, today=TODAY)
    qtbot.addWidget(widget)
    assert widget.text_edit.isReadOnly() and not widget.save_button.isEnabled()
    assert widget.document().blocks == []
    assert not widget.move_up()
    assert shiboken6.isValid(widget)
