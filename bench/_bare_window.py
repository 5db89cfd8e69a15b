"""Floor for start-up: a bare QApplication showing an empty window. Prints the wall time when shown."""
import time

from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([])
window = QWidget()
window.resize(1200, 760)
window.show()
app.processEvents()
print(f"SHOWN {time.time():.6f}", flush=True)
