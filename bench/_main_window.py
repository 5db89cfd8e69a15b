"""Start-up of the real main window on a database given as argv[1]. Prints the wall time when shown."""
import sys
import time

from gonghui_desk.ui.app import create_main_window, setup_application, wait_for_jobs
from gonghui_desk.ui.app_context import AppContext

app = setup_application()
window = create_main_window(AppContext(sys.argv[1]))
window.show()
app.processEvents()
print(f"SHOWN {time.time():.6f}", flush=True)
wait_for_jobs()  # as the app does on exit: background work (reminders…) ends before Qt goes away
