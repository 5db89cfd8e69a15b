"""Start-up of the real main window on a database given as argv[1], as ``gonghui-desk`` starts it (ui/app.py's
run_gui without the single-instance guard, which needs a desktop session; the password prompt is asked only
when the database has a password, and this one has none).

Prints ``SHOWN <wall time> <processor seconds>`` once the window has been shown and painted: the database open,
the navigation, the menus, the status bar and the home page (its figures and reminders still counting on a large
database). Then the event loop runs on until the work deferred past the first paint is done (sqlite-utils, the
modules' registries a module at a time, the status bar's count, the start of the home page's counting on worker
threads) and prints ``READY <wall> <cpu>`` and ``STALL <ms>``: the longest the event loop went without turning
meanwhile, that is the longest a click on the shown window could have waited.
"""
import sys
import time

from gonghui_desk.ui.app import create_main_window, restore_window_state, setup_application, wait_for_jobs
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.lock_screen import ask_password

app = setup_application()
context = AppContext(sys.argv[1])
if not ask_password(context):  # returns at once: no password on the bench's database
    raise SystemExit("the bench's database has a password")
window = create_main_window(context)
restore_window_state(window)
window.show()
app.processEvents()  # the first paint
print(f"SHOWN {time.time():.6f} {time.process_time():.6f}", flush=True)

from PySide6.QtCore import QTimer  # noqa: E402  (after the measured part)

turns = [time.perf_counter()]
ticker = QTimer()
ticker.setInterval(0)
ticker.timeout.connect(lambda: turns.append(time.perf_counter()))
ticker.start()
while not window.started:
    app.processEvents()
ticker.stop()
turns.append(time.perf_counter())
print(f"READY {time.time():.6f} {time.process_time():.6f}", flush=True)
print(f"STALL {max(b - a for a, b in zip(turns, turns[1:])) * 1000:.1f}", flush=True)
wait_for_jobs()  # as the app does on exit: background work (figures, reminders…) ends before Qt goes away
