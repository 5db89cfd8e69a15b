"""Start-up of the real main window on a database given as argv[1], as ``gonghui-desk`` starts it (ui/app.py's
run_gui without the single-instance guard and the password prompt, which need a desktop session).

Prints ``SHOWN <wall time> <processor seconds>`` once the window has been shown and painted: the database open,
the navigation, the status bar's member count and the home page (its figures and reminders still counting on a
large database; they arrive on worker threads after the first paint).
"""
import sys
import time

from gonghui_desk.ui.app import create_main_window, restore_window_state, setup_application, wait_for_jobs
from gonghui_desk.ui.app_context import AppContext

app = setup_application()
window = create_main_window(AppContext(sys.argv[1]))
restore_window_state(window)
window.show()
app.processEvents()  # the first paint
print(f"SHOWN {time.time():.6f} {time.process_time():.6f}", flush=True)
wait_for_jobs()  # as the app does on exit: background work (figures, reminders…) ends before Qt goes away
