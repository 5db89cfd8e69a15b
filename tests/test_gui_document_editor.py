"""The document editor dialog (gonghui_desk.ui.document_editor) on the 提案办理情况报告: the draft built on a
worker and shown as text with a numbered preview and its figures, editing (typed heading numbers taken off
with a note), export to .docx with the edited text found in the file, 重新生成 and closing with edits asking
first (boxes that never block), the notice when the records change, and a voided session refused."""

from __future__ import annotations

import docx
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gonghui_desk.congress.register import session_dashboard
from gonghui_desk.congress.store import CongressStore, SessionInput
from gonghui_desk.ui.document_editor import DocumentEditorDialog, open_proposal_report
from gonghui_desk.ui.workers import Job
from tests.conftest import TODAY
from tests.test_proposals_register import register

SHARED_FIXTURES = (register,)  # the register's hand-built session, A–M

pytestmark = pytest.mark.usefixtures("no_job_left_running")

ADDED = "本届代表共提出了许多有价值的意见，这一段是工会干部自己加的。"


@pytest.fixture
def context(empty_context, register):
    empty_context.register = register
    return empty_context


@pytest.fixture
def dialog(context, qtbot):
    editor = open_proposal_report(None, context, context.register["sessions"][2], today=TODAY)
    qtbot.waitUntil(editor.is_ready, timeout=10000)
    yield editor
    if shiboken6.isValid(editor):  # it deletes itself when closed
        editor.is_dirty = lambda: False
        editor.close()


def save_to(monkeypatch, path):
    chosen = []

    def fake(parent, title, default, filters=""):
        chosen.append(default)
        return (str(path) if path else "", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return chosen


def test_the_draft_is_built_on_a_worker_and_shown(dialog, context):
    assert isinstance(dialog, DocumentEditorDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "第三届职代会第二次会议提案办理情况报告（草稿）"
    text = dialog.text()
    assert text.startswith("标题：关于第三届职代会第二次会议提案办理情况的报告\n")
    assert "\n# 提案的提出和审查情况\n" in text and "\n## 交办和答复\n" in text
    board = session_dashboard(context.db, context.register["sessions"][2], TODAY)
    assert f"共收到代表提案{board.received}件" in text
    preview = dialog.preview.toPlainText()
    for heading in ("一、提案的提出和审查情况", "（一）交办和答复", "（四）各承办部门办理情况", "三、尚未办结的提案"):
        assert heading in preview
    model = dialog.figure_model
    assert model.rowCount() == len(dialog.document.figures) > 10
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    row = labels.index("立案率")
    assert (model.index(row, 1).data(), model.index(row, 2).data()) == ("63.6%", "立案7件÷收到提案11件")
    assert not dialog.is_dirty() and dialog.export_button.isEnabled()
    assert not dialog.notes_label.isVisible()
    assert not dialog.grab().isNull()


def test_edit_and_export_to_word(dialog, qtbot, tmp_path, monkeypatch):
    text = dialog.text()
    edited = text.replace("\n# 尚未办结的提案\n", f"\n{ADDED}\n\n# 三、尚未办结的提案\n")
    edited = edited.replace("标题：关于第三届职代会第二次会议提案办理情况的报告", "标题：关于提案办理情况的报告（修改稿）")
    dialog.editor.setPlainText(edited)
    assert dialog.is_dirty()
    qtbot.waitUntil(lambda: "修改稿" in dialog.preview.toPlainText(), timeout=3000)  # the preview follows
    assert dialog.notes_label.isVisible() and "“三、”已去掉" in dialog.notes_label.text()
    chosen = save_to(monkeypatch, tmp_path / "提案报告")
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert chosen and chosen[0].endswith("第三届职代会第二次会议提案办理情况报告.docx")
    qtbot.waitUntil(lambda: dialog.export_job is not None and not Job._running, timeout=10000)
    path = tmp_path / "提案报告.docx"
    assert path.exists()
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]
    assert paragraphs[0] == ("公文标题", "关于提案办理情况的报告（修改稿）")
    assert ("公文正文", ADDED) in paragraphs
    assert ("一级标题", "三、尚未办结的提案") in paragraphs  # numbered once, not "三、三、"
    assert not dialog.is_dirty()  # what was exported is not "unsaved"
    assert dialog.export_job.feedback.box is not None
    dialog.export_job.feedback.box.close()


def test_cancelling_the_save_dialog_exports_nothing(dialog, monkeypatch, tmp_path):
    save_to(monkeypatch, None)
    assert dialog.export_docx() is None and dialog.export_job is None
    assert list(tmp_path.glob("*.docx")) == []


def test_regenerate_asks_before_dropping_edits(dialog, qtbot):
    original = dialog.text()
    dialog.set_text(original + "\n" + ADDED + "\n")
    qtbot.mouseClick(dialog.regenerate_button, Qt.LeftButton)
    box = dialog.regenerate_box
    assert box is not None and box.isVisible() and dialog.text().endswith(ADDED + "\n")
    [destroy] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.DestructiveRole]
    qtbot.mouseClick(destroy, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.is_ready() and dialog.text() == original, timeout=10000)
    assert not dialog.is_dirty()
    # without edits it simply rebuilds
    dialog.regenerate_box = None
    qtbot.mouseClick(dialog.regenerate_button, Qt.LeftButton)
    assert dialog.regenerate_box is None
    qtbot.waitUntil(dialog.is_ready, timeout=10000)
    assert dialog.text() == original


def test_a_cancelled_regenerate_keeps_the_text(dialog, qtbot):
    dialog.set_text(dialog.text() + ADDED + "\n")
    edited = dialog.text()
    dialog.start_build()
    assert not dialog.is_ready()  # read-only while the draft is written again
    dialog.build_job.cancel()
    qtbot.waitUntil(lambda: not Job._running, timeout=10000)
    assert dialog.is_ready() and dialog.text() == edited and dialog.export_button.isEnabled()


def test_a_change_of_the_records_is_noticed(dialog, context, qtbot):
    assert not dialog.banner.isVisible()
    context.congress_changed.emit()
    assert dialog.banner.isVisible() and "重新生成" in dialog.banner.label.text()


def test_closing_with_edits_asks_first(dialog, qtbot):
    dialog.set_text(dialog.text() + ADDED + "\n")
    dialog.reject()
    box = dialog.discard_box
    assert box is not None and box.isVisible() and dialog.isVisible()
    [discard] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.DestructiveRole]
    qtbot.mouseClick(discard, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def test_closing_without_edits_just_closes(dialog, qtbot):
    qtbot.mouseClick(dialog.close_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert dialog.discard_box is None


def test_a_voided_session_opens_nothing(context, qtbot):
    congress = CongressStore(context.db, TODAY)
    session = congress.create_session(SessionInput(context.register["term"], 5, held_on="2026-10-01"))
    congress.void_session(session, "误建")
    assert open_proposal_report(None, context, session, today=TODAY) is None
    box = open_proposal_report.error_box
    assert box.isVisible() and "作废" in box.text()
    box.close()
