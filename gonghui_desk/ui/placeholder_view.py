"""A page for a module that is not built yet: it says what the module will do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class PlaceholderView(QWidget):
    def __init__(self, title: str, summary: str, features: list[str] | tuple[str, ...] = (),
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.summary = summary
        self.features = list(features)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 28, 32, 28)

        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        badge = QLabel("即将推出")
        badge.setObjectName("comingBadge")
        badge.setAlignment(Qt.AlignCenter)

        card = QFrame()
        card.setObjectName("placeholderCard")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 22)
        inner.setSpacing(10)
        inner.addWidget(badge, 0, Qt.AlignLeft)
        self.summary_label = QLabel(summary)
        self.summary_label.setWordWrap(True)
        self.summary_label.setObjectName("placeholderSummary")
        inner.addWidget(self.summary_label)
        if self.features:
            bullets = "".join(f"<li style='margin-bottom:4px'>{text}</li>" for text in self.features)
            self.features_label = QLabel(f"<ul style='margin-left:-20px'>{bullets}</ul>")
            self.features_label.setTextFormat(Qt.RichText)
            self.features_label.setWordWrap(True)
            inner.addWidget(self.features_label)
        note = QLabel("这一模块正在开发中，完成后会出现在这里；它将直接使用“会员”中的名册，无需重复录入。")
        note.setWordWrap(True)
        note.setObjectName("mutedText")
        inner.addWidget(note)

        outer.addWidget(heading)
        outer.addSpacing(12)
        outer.addWidget(card)
        outer.addStretch(1)

    def set_title(self, title: str) -> None:
        self.title = title
        self.findChild(QLabel, "pageTitle").setText(title)
