"""打印档案表 in the hardship file dialog: the button, the masking option, and the print preview.
No test blocks: the options and message boxes open window-modal and are answered in code."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from gonghui_desk import idcard
from gonghui_desk.hardship.files import FamilyMemberInput, FileInput, HardshipFileStore
from gonghui_desk.printing import PrintForm, form_texts
from gonghui_desk.ui import hardship_file_dialog, printing
from gonghui_desk.ui.hardship_file_dialog import HardshipFileDialog, PrintFileOptionsDialog
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile

from conftest import TODAY, VALID_IDS

ACCOUNT = "6222020200112233445"


@pytest.fixture
def context(empty_context):
    """张三 with a saved file (a wife and a bank account) and 李四 with a voided one."""
    ctx = empty_context
    save_profile(ctx.db, UnionProfile(name="测试公司工会委员会", kind="企业"))
    shop = add_sub_unit(ctx.db, "一车间")
    ids = {name: ctx.members.create({"name": name, "sex": "男", "sub_unit_id": shop, "id_number": id_number},
                                    today=TODAY)
           for name, id_number in (("张三", VALID_IDS["man_1985"]), ("李四", None))}
    store = HardshipFileStore(ctx.db, today=TODAY)
    ctx.files = {
        "张三": store.open_file(FileInput(ids["张三"], category="特困", main_cause="因病", opened_on="2025-03-01",
                                          bank_account=ACCOUNT, monthly_income_fen=200000),
                                [FamilyMemberInput("李芳", "配偶", VALID_IDS["woman_1990"])]),
        "李四": store.open_file(FileInput(ids["李四"], category="困难", main_cause="因学", opened_on="2025-12-01")),
    }
    store.void_file(ctx.files["李四"], "重复建档")
    ctx.ids = ids
    return ctx


@pytest.fixture
def previews(monkeypatch):
    """What ui.printing.print_preview was asked to show, instead of showing it."""
    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, doc: shown.append((parent, doc)) or "preview")
    return shown


def dialog_for(context, qtbot, file_id=None, **kwargs) -> HardshipFileDialog:
    dialog = HardshipFileDialog(context, file_id, today=TODAY, **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_the_button_is_enabled_only_for_a_saved_live_file(context, qtbot):
    new = dialog_for(context, qtbot, member_id=context.ids["张三"])
    assert new.print_button.text() == "打印档案表…"
    assert not new.print_button.isEnabled() and "保存" in new.print_button.toolTip()
    assert new.start_print() is None

    saved = dialog_for(context, qtbot, context.files["张三"])
    assert saved.print_button.isEnabled()

    voided = dialog_for(context, qtbot, context.files["李四"])
    assert not voided.print_button.isEnabled() and voided.start_print() is None


def test_printing_asks_about_full_numbers_then_shows_the_masked_form(context, qtbot, previews):
    dialog = dialog_for(context, qtbot, context.files["张三"])
    dialog.show()

    qtbot.mouseClick(dialog.print_button, Qt.LeftButton)

    options = dialog.print_options_dialog
    assert isinstance(options, PrintFileOptionsDialog) and options.isVisible()
    assert not options.full_numbers_check.isChecked() and not options.show_full_numbers  # masked unless asked
    assert any("完整号码仅在确需时打印" in label.text() for label in options.findChildren(QLabel))
    assert previews == []
    options.prepared_by_edit.setText("刘会计")
    options.accept()

    assert len(previews) == 1
    parent, form = previews[0]
    assert parent is dialog and isinstance(form, PrintForm) and form.title == "困难职工档案表"
    assert dialog.print_preview_dialog == "preview"
    text = "\n".join(form_texts(form))
    assert "张三" in text and idcard.mask_id_number(VALID_IDS["man_1985"]) in text
    assert VALID_IDS["man_1985"] not in text and ACCOUNT not in text and ACCOUNT[-4:] in text
    assert form.footer_line == "制表人：刘会计"


def test_full_numbers_are_printed_when_chosen(context, qtbot, previews):
    dialog = dialog_for(context, qtbot, context.files["张三"])
    options = dialog.start_print()
    options.full_numbers_check.setChecked(True)
    assert options.show_full_numbers
    options.accept()

    form = previews[0][1]
    family = next(block for block in form.blocks if getattr(block, "caption", "").startswith("家庭成员"))
    assert family.rows[0][2] == VALID_IDS["woman_1990"]
    assert VALID_IDS["man_1985"] in form_texts(form) and ACCOUNT in form_texts(form)
    # the next time the dialog remembers 制表人 but not the choice of full numbers
    again = dialog.start_print()
    assert not again.full_numbers_check.isChecked()
    again.reject()
    assert len(previews) == 1


def test_unsaved_changes_must_be_saved_before_printing(context, qtbot, previews):
    dialog = dialog_for(context, qtbot, context.files["张三"])
    dialog.notes_edit.setPlainText("新的备注")
    assert dialog.is_dirty()

    box = dialog.start_print()

    assert isinstance(box, QMessageBox) and box is dialog.print_box and box.isVisible()
    assert "请先保存" in box.text()
    assert dialog.print_options_dialog is None and previews == []
    box.close()


def test_a_form_error_is_shown_and_the_dialog_stays(context, qtbot, previews, monkeypatch):
    shown = []
    monkeypatch.setattr(hardship_file_dialog, "show_error", lambda parent, title, exc: shown.append(str(exc)))
    dialog = dialog_for(context, qtbot, context.files["张三"])
    HardshipFileStore(context.db, today=TODAY).void_file(context.files["张三"], "录错")  # voided meanwhile

    assert dialog.show_print_preview() is None
    assert shown == ["该困难职工档案已作废，不能打印档案表。"] and previews == []


def test_the_real_preview_lays_the_form_out_on_a4_portrait(context, qtbot, tmp_path):
    from PySide6.QtGui import QPageLayout, QPageSize

    dialog = dialog_for(context, qtbot, context.files["张三"])
    preview = dialog.show_print_preview(prepared_by="刘会计")

    assert isinstance(preview, printing.TablePrintPreview) and preview.windowTitle() == "打印预览 - 困难职工档案表"
    layout = preview.printer.pageLayout()
    assert layout.orientation() == QPageLayout.Portrait and layout.pageSize().id() == QPageSize.A4
    preview.printer.setOutputFormat(preview.printer.OutputFormat.PdfFormat)
    preview.printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    assert printing.paint(preview.printer, preview.table) == 1
    preview.close()


def test_the_dialog_masks_the_account_with_the_core_function():
    assert hardship_file_dialog.mask_account is idcard.mask_account
