"""Floor for start-up: a bare QApplication showing an empty window.

Prints ``SHOWN <wall time> <processor seconds>`` once the window has been shown and painted (the processor time,
of all the process's threads, is steadier than the wall time on a busy machine).
"""
import time

from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([])
window = QWidget()
window.resize(1200, 760)
window.show()
app.processEvents()  # the first paint
print(f"SHOWN {time.time():.6f} {time.process_time():.6f}", flush=True)
