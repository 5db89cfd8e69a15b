"""Every list page prints what it shows through the one print path (ui.exports.print_list → run_print →
ui.printing.print_preview): the member list as filtered, sorted and masked on screen; every list page of the
main window offers 打印…; the preview lays the table out again when the orientation is changed in it."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from gonghui_desk.dates import add_years
from gonghui_desk.idcard import check_char
from gonghui_desk.printing import PrintTable
from gonghui_desk.ui.member_model import COLUMN_INDEX, MEMBER_COLUMNS
from gonghui_desk.ui.members_view import MembersView
from gonghui_desk.ui.tables import MemberTableView
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile

pytestmark = pytest.mark.usefixtures("no_job_left_running")

UNION = "测试中学工会委员会"


def make_id(birth: dt.date, seq: int) -> str:
    first17 = f"110101{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


@pytest.fixture
def shown(monkeypatch, qtbot):
    """What ui.printing.print_preview was asked to show, instead of a window-modal preview."""
    from gonghui_desk.ui import printing

    # PySide6 creates its Python enums on first use, and not safely while a worker thread is ending: the
    # ones qtbot's waiting uses are made here, before any print job runs (a test run alone crashed now and
    # then in its first waitUntil).
    qtbot.wait(1)
    tables: list = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: tables.append((parent, table)) or "preview")
    return tables


def printed(qtbot, shown: list, job) -> PrintTable:
    """The table the print ``job`` built, once the job has ended (a job whose page is closed before its thread
    ends would never say it ended)."""
    from gonghui_desk.ui.workers import Job

    assert job is not None
    qtbot.waitUntil(lambda: bool(shown) and job not in Job._running, timeout=10000)
    _, table = shown.pop()
    assert isinstance(table, PrintTable)
    return table


# --- the member list ---------------------------------------------------------------------------------------------
@pytest.fixture
def members_view(context, qtbot):
    db, store = context.db, context.members
    save_profile(db, UnionProfile(name=UNION, kind="学校"))
    chinese = add_sub_unit(db, "语文组", kind="分工会")
    grade = add_sub_unit(db, "初一年级", kind="工会小组", parent_id=chinese)
    office = add_sub_unit(db, "办公室")
    today = dt.date.today()
    for seq, (name, age, unit, phone, extra) in enumerate((
            ("张三", 45, chinese, "13800001111", {}),
            ("李四", 25, grade, "13900002222", {"join_date": "2020-09-01"}),
            ("王芳", 58, office, "", {"join_date": "1990-07-01"}),
            ("赵六", 33, office, "13700003333", {}),
            ("钱七", 61, grade, "13600004444", {"status": "退休"}),
            ("孙八", 38, chinese, "13500005555", {"status": "转出"}),
            ("周九", 52, grade, "13400006666", {"join_date": "2001-03-15"})), 11):
        status = extra.pop("status", "在册")
        store.create({"name": name, "id_number": make_id(add_years(today, -age), seq), "phone": phone,
                      "sub_unit_id": unit, **extra}, status=status,
                     **({"status_date": "2024-01-01"} if status != "在册" else {}))
    context.units = {"语文组": chinese, "初一年级": grade, "办公室": office}
    view = MembersView(context)
    qtbot.addWidget(view)
    view.resize(1280, 700)
    view.show()
    return view


def screen_rows(view: MembersView) -> list[list[str]]:
    """The list's texts, row by row, in the columns shown."""
    model = view.model
    return [[model.index(row, column).data() for column in range(len(MEMBER_COLUMNS))
             if not view.table.isColumnHidden(column)] for row in range(model.rowCount())]


def test_the_member_list_prints_the_rows_shown_in_their_order(members_view, qtbot, shown):
    view = members_view
    view.status_combo.setCurrentIndex(view.status_combo.findText("全部"))
    view.sub_unit_combo.setCurrentIndex(view.sub_unit_combo.findData(view.context.units["语文组"]))
    view.table.sortByColumn(COLUMN_INDEX["age"], Qt.DescendingOrder)
    assert view.model.rowCount() == 5  # 语文组 with its group, every status

    table = printed(qtbot, shown, view.start_print())

    assert table.title == "会员花名册" and table.union_name == UNION
    assert table.date_text == f"制表日期：{dt.date.today().isoformat()}"
    assert [c.label for c in table.columns] == ["序号", *(label for _, label in MEMBER_COLUMNS)]
    assert [row[1:] for row in table.rows] == screen_rows(view)
    assert [row[0] for row in table.rows] == ["1", "2", "3", "4", "5"]
    ages = [int(row[3]) for row in table.rows]
    assert ages == sorted(ages, reverse=True) and ages[0] == 61  # oldest first, as the list shows
    assert table.rows[0][1] == "钱七" and "孙八" in {row[1] for row in table.rows}  # 退休 and 转出 listed
    assert "110101********" in table.rows[0][5][:14] and "****" in table.rows[0][6]  # masked like the list
    assert table.subtitle_lines[0] == "范围：状态：全部；部门：语文组"
    assert table.subtitle_lines[1] == "按年龄降序；身份证号、手机号已部分隐去"
    assert table.total_lines == ["合计：共 5 人"] and table.landscape
    assert {c.label: c.align for c in table.columns}["身份证号"] == "left"
    assert {c.label: c.align for c in table.columns}["性别"] == "center"


def test_the_printout_follows_the_search_the_columns_and_the_masking(members_view, qtbot, shown):
    view = members_view
    view._prepared_by = "刘老师"
    view.set_search_text("138 zs")
    view.full_ids_check.setChecked(True)  # the list shows whole numbers: so does the paper
    view.table.setColumnHidden(COLUMN_INDEX["political_status"], True)
    view.table.sortByColumn(COLUMN_INDEX["join_date"], Qt.AscendingOrder)

    table = printed(qtbot, shown, view.start_print())

    assert [row[1:] for row in table.rows] == screen_rows(view) and [row[1] for row in table.rows] == ["张三"]
    labels = [c.label for c in table.columns]
    assert "政治面貌" not in labels and len(labels) == len(MEMBER_COLUMNS)  # 序号 + the 9 columns shown
    assert table.rows[0][labels.index("手机号")] == "13800001111"
    assert "*" not in table.rows[0][labels.index("身份证号")]
    assert "关键词：138 zs" in table.subtitle_lines[0]
    assert table.subtitle_lines[1] == "按入会日期升序"  # nothing hidden: no note
    assert "刘老师" in table.footer_line


def test_every_sort_of_the_member_list_prints_in_the_same_order(members_view, qtbot, shown):
    view = members_view
    view.status_combo.setCurrentIndex(view.status_combo.findText("全部"))
    for key, _ in MEMBER_COLUMNS:
        for order in (Qt.AscendingOrder, Qt.DescendingOrder):
            view.table.sortByColumn(COLUMN_INDEX[key], order)
            table = printed(qtbot, shown, view.start_print())
            assert [row[1] for row in table.rows] == [r[0] for r in screen_rows(view)], (key, order)


def test_an_empty_member_list_prints_nothing(members_view, shown):
    members_view.set_search_text("没有这个人")
    assert members_view.model.rowCount() == 0
    assert not members_view.print_button.isEnabled()
    assert members_view.start_print() is None and not shown


def test_the_print_button_and_the_context_menu_print(members_view, qtbot, shown, monkeypatch):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QMenu

    view = members_view
    assert view.print_button.text() == "打印…" and view.print_button.isVisible()
    qtbot.mouseClick(view.print_button, Qt.LeftButton)
    table = printed(qtbot, shown, view.print_job)
    assert len(table.rows) == view.model.rowCount() == 6  # 在册 and 退休

    menus = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *args: menus.append(menu))
    view._context_menu(QPoint(5, 5))
    action = next(a for a in menus[0].actions() if a.text() == "打印当前列表…")
    action.trigger()
    assert len(printed(qtbot, shown, view.print_job).rows) == 6


# --- every list page of the main window ---------------------------------------------------------------------------
# A list page is a page holding a list table (ui.tables.list_table, a MemberTableView) or the home page's
# reminder list. Each offers 打印… (ui.exports.print_button, calling its start_print) unless it is named here
# with the reason.
NOT_PRINTED = {
    "summary": "工作总结的草稿列表：打印的是草稿本身（Word/PDF），不是列表",
}
LIST_PAGES = {  # navigation key -> the list pages it holds (class names), so that the walk finds them all
    "home": {"RemindersPanel"}, "members": {"MembersView"}, "care": {"LedgerView"}, "aid": {"FilesView", "AidView"},
    "events": {"EventsView"}, "honours": {"HonoursView"}, "proposals": {"ProposalsView"},
    "recycle_bin": {"RecycleBinView"},
}


@pytest.fixture
def demo_window(qtbot, tmp_path):
    from gonghui_desk.demo import create_demo_database
    from gonghui_desk.ui.app import create_main_window, setup_application
    from gonghui_desk.ui.app_context import AppContext

    path = tmp_path / "demo.sqlite3"
    create_demo_database(path, kind="school", seed=1)
    context = AppContext(path)
    setup_application()
    window = create_main_window(context)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    context.close()


def list_pages(window) -> dict[str, list[QWidget]]:
    """Navigation key -> the widgets holding a list table on that page (tabs built on first use included)."""
    from gonghui_desk.ui.main_window import NAVIGATION_ORDER
    from gonghui_desk.ui.reminders_panel import ReminderListView

    window.care_view.campaign_page()
    window.hardship_view.aid_page()
    found: dict[str, list[QWidget]] = {}
    for key in NAVIGATION_ORDER:
        page = window.pages[key]
        for table in [*page.findChildren(MemberTableView), *page.findChildren(ReminderListView)]:
            holder = table.parentWidget()
            while holder is not page and not hasattr(holder, "start_print"):
                holder = holder.parentWidget()
            pages = found.setdefault(key, [])
            if holder not in pages:
                pages.append(holder)
    return found


def test_every_list_page_in_the_navigation_offers_printing(demo_window):
    found = list_pages(demo_window)

    assert {key: {type(p).__name__ for p in pages} for key, pages in found.items() if key not in NOT_PRINTED} \
        == LIST_PAGES
    for key, pages in found.items():
        if key in NOT_PRINTED:
            continue
        for page in pages:
            assert callable(getattr(page, "start_print", None)), f"{key}: {type(page).__name__} 没有打印"
            button = getattr(page, "print_button", None)
            assert isinstance(button, QPushButton) and button.text().startswith("打印"), type(page).__name__
            assert page.isAncestorOf(button), type(page).__name__
            assert "打印预览" in button.toolTip() and "A4" in button.toolTip(), button.toolTip()
    campaigns = demo_window.care_view.campaign_page()  # 批量慰问: its sign-off sheet
    assert campaigns.print_button.text().startswith("打印") and callable(campaigns.print_sheet)


def test_every_list_page_prints_its_rows_under_the_unions_name(demo_window, qtbot, shown):
    union = demo_window.context.profile().name
    context = demo_window.context  # a voided record, so that the 回收站 has a row to print
    context.members.void(context.db.execute("SELECT max(id) FROM members").fetchone()[0], "重复录入")
    context.members_changed.emit()
    for key, pages in list_pages(demo_window).items():
        if key in NOT_PRINTED:
            continue
        demo_window.show_page(key)
        for page in pages:
            if hasattr(page, "ensure_loaded"):
                page.ensure_loaded()
            if page.model.rowCount() == 0 and hasattr(page, "period_combo"):
                page.period_combo.setCurrentText("全部日期")
            count = len(page.model.reminders()) if hasattr(page.model, "reminders") else page.model.rowCount()
            assert count, f"{type(page).__name__}: the demo has rows to print"
            table = printed(qtbot, shown, page.start_print())
            name = type(page).__name__
            assert table.union_name == union and table.date_text.startswith("制表日期："), name
            assert len(table.rows) == count, name
            assert table.columns[0].label == "序号" and [r[0] for r in table.rows[:3]] == ["1", "2", "3"][:count]
            assert table.landscape == (len(table.columns) > 8), name  # wide tables on landscape paper


def test_the_ledgers_print_in_the_order_they_show(demo_window, qtbot, shown):
    """慰问台账 and 帮扶台账 used to print by date whatever the list showed."""
    care = demo_window.care_view.ledger
    aid = demo_window.hardship_view.aid_page()
    for page, column, key in ((care, "member", "member"), (aid, "member", "member")):
        page.ensure_loaded()
        page.period_combo.setCurrentText("全部日期")
        for order in (Qt.AscendingOrder, Qt.DescendingOrder):
            page.table.sortByColumn(page.model.column_index[column], order)
            assert page.model.sort_key == (key, order == Qt.DescendingOrder)
            table = printed(qtbot, shown, page.start_print())
            names = [page.model.index(row, page.model.column_index[column]).data()
                     for row in range(page.model.rowCount())]
            assert [row[1] for row in table.rows] == names, (type(page).__name__, order)
    care.table.sortByColumn(care.model.column_index["visit_date"], Qt.DescendingOrder)
    table = printed(qtbot, shown, care.start_print())
    days = [row[6] for row in table.rows if row[6] != "待走访"]
    assert days == sorted(days, reverse=True)  # newest first, as the ledger opens


# --- orientation in the preview -----------------------------------------------------------------------------------
def test_turning_the_paper_in_the_preview_lays_the_table_out_again(members_view, qtbot, shown, monkeypatch):
    from PySide6.QtGui import QPageLayout
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    from gonghui_desk.ui import printing

    table = printed(qtbot, shown, members_view.start_print())
    monkeypatch.undo()  # the real preview from here on
    widths = []
    real_body_size = printing._body_size
    monkeypatch.setattr(printing, "_body_size", lambda device: widths.append(real_body_size(device)[0])
                        or real_body_size(device))
    dialog = printing.TablePrintPreview(table)
    preview = dialog.findChild(QPrintPreviewWidget)
    assert dialog.printer.pageLayout().orientation() == QPageLayout.Landscape
    preview.updatePreview()
    landscape = widths[-1]
    preview.setPortraitOrientation()  # the preview's own 纵向 button
    assert dialog.printer.pageLayout().orientation() == QPageLayout.Portrait
    assert widths[-1] < landscape * 0.75 and preview.pageCount() >= 1  # laid out on the narrower page
    preview.setLandscapeOrientation()
    assert widths[-1] == landscape
    dialog.close()


# --- the home page's reminders ---------------------------------------------------------------------------------
def test_the_reminders_print_every_reminder_grouped_as_the_page_lists_them(demo_window, qtbot, shown):
    from gonghui_desk.care.reminders import KIND_TITLES

    panel = demo_window.reminders_panel
    items = panel.model.reminders()
    folded = [line for line in range(panel.model.rowCount()) if panel.model.line(line).kind == "more"]
    assert len(items) > 5 and folded  # the demo has a group folded under 还有 N 条

    table = printed(qtbot, shown, panel.start_print())

    assert table.title == "提醒事项清单" and not table.landscape
    assert [c.label for c in table.columns] == ["序号", "提醒类别", "姓名", "部门", "日期", "提醒事项", "办理情况"]
    headers = [panel.model.line(row).text.rpartition("（")[0] for row in range(panel.model.rowCount())
               if panel.model.line(row).kind == "header"]
    assert list(dict.fromkeys(row[1] for row in table.rows)) == headers  # the page's groups, in its order
    assert sorted(row[5] for row in table.rows) == sorted(r.text for r in items)
    assert all(row[1] == KIND_TITLES[r.kind] for row, r in zip(table.rows, items)) and all(not row[6] for row in table.rows)
    assert table.total_lines == [f"合计：共 {len(items)} 条"]
