"""Memory of the app on a database given as argv[1]: the main window shown, the 会员 page shown and its list
scrolled through to the end. Prints ``ROWS <rows the list shows> RSS <MB now> PEAK <MB at most>``.

Run in a process of its own (bench/run.py does, reading the peak also from the process's resource usage).
"""
import sys
import time

from PySide6.QtCore import QCoreApplication

from gonghui_desk.ui.app import create_main_window, setup_application, wait_for_jobs
from gonghui_desk.ui.app_context import AppContext

SCROLL_STEPS = 200  # positions visited on the way down, as a user dragging the scroll bar


def _status_mb(key: str) -> float:
    """VmRSS / VmHWM of this process in MB (Linux), 0 elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _settle(app, seconds: float = 0.05) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def scroll_to_end(app, table) -> None:
    """Drag the list's scroll bar from the top to the bottom, then make sure the last row is reached (a model
    that fetches more rows on demand is asked until it has none left)."""
    model = table.model()
    bar = table.verticalScrollBar()
    for step in range(SCROLL_STEPS + 1):
        bar.setValue(bar.maximum() * step // SCROLL_STEPS)
        app.processEvents()
    while model.canFetchMore(table.rootIndex()):
        model.fetchMore(table.rootIndex())
        table.scrollToBottom()
        app.processEvents()
    table.scrollToBottom()
    _settle(app)


def main() -> int:
    app = setup_application()
    window = create_main_window(AppContext(sys.argv[1]))
    window.show()
    _settle(app)
    window.show_page("members")
    _settle(app)
    table = window.members_view.table
    scroll_to_end(app, table)
    rows = table.model().rowCount()
    print(f"ROWS {rows} RSS {_status_mb('VmRSS'):.1f} PEAK {_status_mb('VmHWM'):.1f}", flush=True)
    window.close()
    wait_for_jobs()
    QCoreApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
