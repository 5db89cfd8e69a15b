"""Small charts drawn with QPainter (QtCharts is not part of PySide6-Essentials)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR_COLOR = QColor("#c8553d")
TRACK_COLOR = QColor("#f1ece9")


def merge_tail(items: list[tuple[str, int]], max_bars: int) -> list[tuple[str, int]]:
    """Keep the first ``max_bars - 1`` bars and add the rest up as one “其他N个” bar."""
    if max_bars <= 0 or len(items) <= max_bars:
        return list(items)
    head = list(items[:max_bars - 1])
    tail = items[max_bars - 1:]
    head.append((f"其他{len(tail)}个", sum(v for _, v in tail)))
    return head


class HorizontalBarChart(QWidget):
    """Labelled horizontal bars, one row per item, with the value after each bar.

    ``set_data([("一车间", 120), ("二车间", 80)])``. Hovering a row shows its share of the total.
    """

    ROW_HEIGHT = 30
    MARGIN = 8

    def __init__(self, parent: QWidget | None = None, *, unit: str = "人", max_bars: int = 12,
                 empty_text: str = "暂无数据", bar_color: QColor | None = None):
        super().__init__(parent)
        self._unit = unit
        self._max_bars = max_bars
        self._empty_text = empty_text
        self._bar_color = QColor(bar_color or BAR_COLOR)
        self._items: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setMouseTracking(True)

    # --- data --------------------------------------------------------------------------
    def set_data(self, items: list[tuple[str, int]]) -> None:
        self._items = merge_tail([(str(label), int(value)) for label, value in items], self._max_bars)
        self.updateGeometry()
        self.update()

    def items(self) -> list[tuple[str, int]]:
        return list(self._items)

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    # --- geometry ----------------------------------------------------------------------
    def _row_height(self) -> int:
        return max(self.ROW_HEIGHT, self.fontMetrics().height() + 12)

    def sizeHint(self) -> QSize:
        rows = max(len(self._items), 2)
        return QSize(420, rows * self._row_height() + 2 * self.MARGIN)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height())

    def _layout(self) -> tuple[float, float, float]:
        """(label width, bar area x, bar area width)."""
        fm = self.fontMetrics()
        widest_label = max((fm.horizontalAdvance(label) for label, _ in self._items), default=0)
        label_w = min(widest_label, int(self.width() * 0.4)) + 12
        biggest = max((v for _, v in self._items), default=0)
        value_w = fm.horizontalAdvance(f"{biggest}{self._unit}") + 14
        bar_x = self.MARGIN + label_w
        bar_w = max(10.0, self.width() - bar_x - value_w - self.MARGIN)
        return label_w, bar_x, bar_w

    def _row_at(self, y: float) -> int | None:
        row = int((y - self.MARGIN) // self._row_height())
        return row if 0 <= row < len(self._items) else None

    # --- painting ----------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        text_color = self.palette().color(QPalette.WindowText)
        if not self._items:
            painter.setPen(self.palette().color(QPalette.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignCenter | Qt.TextWordWrap, self._empty_text)
            return
        fm = self.fontMetrics()
        label_w, bar_x, bar_w = self._layout()
        biggest = max(v for _, v in self._items) or 1
        row_h = self._row_height()
        bar_h = max(10, int(row_h * 0.58))
        for i, (label, value) in enumerate(self._items):
            top = self.MARGIN + i * row_h
            label_rect = QRectF(self.MARGIN, top, label_w - 10, row_h)
            painter.setPen(text_color)
            painter.drawText(label_rect, Qt.AlignRight | Qt.AlignVCenter,
                             fm.elidedText(label, Qt.ElideMiddle, int(label_rect.width())))
            bar_top = top + (row_h - bar_h) / 2
            track = QPainterPath()
            track.addRoundedRect(QRectF(bar_x, bar_top, bar_w, bar_h), 3, 3)
            painter.fillPath(track, TRACK_COLOR)
            length = bar_w * value / biggest
            if value > 0:
                bar = QPainterPath()
                bar.addRoundedRect(QRectF(bar_x, bar_top, max(length, 3.0), bar_h), 3, 3)
                painter.fillPath(bar, self._bar_color)
            painter.setPen(text_color)
            painter.drawText(QRectF(bar_x + bar_w + 6, top, self.width() - bar_x - bar_w - 6, row_h),
                             Qt.AlignLeft | Qt.AlignVCenter, f"{value}{self._unit}")
        painter.end()

    def event(self, event) -> bool:
        if event.type() == QEvent.ToolTip:
            row = self._row_at(event.pos().y())
            if row is None:
                QToolTip.hideText()
            else:
                label, value = self._items[row]
                total = sum(v for _, v in self._items) or 1
                QToolTip.showText(event.globalPos(), f"{label}：{value}{self._unit}（占 {value / total:.1%}）", self)
            return True
        return super().event(event)
