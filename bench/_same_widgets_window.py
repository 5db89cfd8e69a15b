"""A second floor for start-up: the main window's widgets with none of the app's code.

The same kinds of widgets the app shows at its first paint (a QMainWindow with four menus, the navigation list of
eleven pages, a stack, the home page's title and five cards, two status-bar labels, a style sheet), the ``Qt``
namespace the app's code uses, and the database opened with plain sqlite3 for the union's name. Against the bare
window it shows what PySide6 itself costs for such a window; against the app, what the app's own code adds.
Prints ``SHOWN <wall time> <processor seconds>`` as bench/_bare_window.py does.
"""
import sqlite3
import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidget, QMainWindow,
                               QStackedWidget, QVBoxLayout, QWidget)

app = QApplication([])
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode").fetchone()
row = conn.execute("SELECT name FROM union_profile WHERE id = 1").fetchone()
window = QMainWindow()
window.resize(1200, 760)
window.setWindowTitle(row[0] if row else "")
for title in ("文件(&F)", "会员(&M)", "设置(&S)", "帮助(&H)"):
    menu = window.menuBar().addMenu(title)
    for number in range(6):
        menu.addAction(f"菜单项 {number}")
central = QWidget()
layout = QHBoxLayout(central)
navigation = QListWidget()
navigation.addItems(["首页", "会员", "慰问走访", "困难帮扶", "活动竞赛", "荣誉", "职代会提案", "工作总结", "上报报表",
                     "回收站", "备份与恢复"])
navigation.setFocusPolicy(Qt.StrongFocus)
stack = QStackedWidget()
layout.addWidget(navigation)
layout.addWidget(stack, 1)
home = QWidget()
grid = QGridLayout(home)
grid.addWidget(QLabel(row[0] if row else ""), 0, 0, 1, 5)
for column in range(5):
    card = QFrame()
    card_layout = QVBoxLayout(card)
    card_layout.addWidget(QLabel("在册会员"))
    card_layout.addWidget(QLabel("…"))
    grid.addWidget(card, 1, column)
stack.addWidget(home)
for _ in range(10):
    stack.addWidget(QWidget())
window.setCentralWidget(central)
window.statusBar().addPermanentWidget(QLabel("在册会员 … 人"))
window.statusBar().addPermanentWidget(QLabel(f"数据库：{sys.argv[1]}"))
window.setStyleSheet("QListWidget { background: #f3f4f6; } QFrame { border: 1px solid #e3e3e3; }")
window.show()
app.processEvents()  # the first paint
print(f"SHOWN {time.time():.6f} {time.process_time():.6f}", flush=True)
