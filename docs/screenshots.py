"""Render the main screens of the app on a fresh demo database to PNG files.

    QT_QPA_PLATFORM=offscreen python docs/screenshots.py [OUT_DIR]

Writes docs/screenshot-main.png (the README's picture) when OUT_DIR is not given, and every
screen into OUT_DIR when it is, so a developer can look at what users see.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gonghui_desk import modules  # noqa: E402
from gonghui_desk.db import open_database  # noqa: E402
from gonghui_desk.demo import generate_demo  # noqa: E402
from gonghui_desk.ui.app import create_main_window, setup_application  # noqa: E402
from gonghui_desk.ui.app_context import AppContext  # noqa: E402

TODAY = dt.date(2026, 11, 22)


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    work = Path(tempfile.mkdtemp(prefix="gonghui-shots-"))
    db_path = work / "demo.sqlite3"
    modules.load()
    db = open_database(db_path)
    generate_demo(db, kind="school", seed=1, today=TODAY)
    db.conn.close()

    app = setup_application()
    window = create_main_window(AppContext(db_path))
    window.resize(1200, 760)
    window.show()
    app.processEvents()
    if out_dir is None:
        window.grab().save(str(ROOT / "docs" / "screenshot-main.png"))
        return 0

    out_dir.mkdir(parents=True, exist_ok=True)

    def shoot(widget, name: str) -> None:
        widget.show()
        app.processEvents()
        widget.grab().save(str(out_dir / f"{name}.png"))

    shoot(window, "01-home")
    window.show_page("members")
    shoot(window, "02-members")
    view = window.members_view
    view.set_search_text("zh")
    shoot(window, "03-members-search-zh")
    view.set_search_text("")
    from gonghui_desk.ui.member_card import MemberCardDialog, StatusChangeDialog

    first = view.model.member_id(0)
    card = MemberCardDialog(window.context, first, window)
    shoot(card, "04-card")
    status = StatusChangeDialog(window.context, window.context.members.get(first), window)
    shoot(status, "05-status-change")
    new_card = MemberCardDialog(window.context, None, window)
    shoot(new_card, "06-card-new")
    profile = window.open_profile_dialog()
    for index in range(profile.tabs.count()):
        profile.tabs.setCurrentIndex(index)
        shoot(profile, f"07-profile-tab{index}")
    profile.close()
    wizard = view.start_import()
    shoot(wizard, "08-import-file")
    wizard.close()
    window.show_page("care")
    shoot(window, "09-care-ledger")
    window.care_view.tabs.setCurrentIndex(1)
    shoot(window, "10-care-campaigns")
    from gonghui_desk.ui.visit_dialog import VisitDialog

    shoot(VisitDialog(window.context, member_id=first, occasion_name="生病住院"), "11-visit-new")
    shoot(window.care_view.open_occasions(), "12-occasions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
